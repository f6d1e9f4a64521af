/*
 * The local Shopify's stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js, served at /app-bridge.js.
 * Plain browser JavaScript, no imports. It talks only to the admin page that frames the app (over postMessage) and
 * to the app's own origin; when the page is not framed it asks the emulator (the origin it was loaded from).
 */
/* global URLSearchParams, history, CustomEvent, MutationObserver */
(function () {
  "use strict";
  if (window.shopify && window.shopify.__localShopify) return;

  var FROM_APP = "shopify-emulator-app-bridge";
  var FROM_ADMIN = "shopify-emulator-admin";
  var CONFIG_KEY = "shopify-emulator-app-bridge-config";

  var script = document.currentScript;
  var emulatorOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var framed = window.parent !== window;
  var params = new URLSearchParams(location.search);

  function readStoredConfig() {
    try {
      return JSON.parse(sessionStorage.getItem(CONFIG_KEY) || "{}") || {};
    } catch {
      return {};
    }
  }
  var stored = readStoredConfig();
  var metaKey = document.querySelector('meta[name="shopify-api-key"]');
  var config = {
    apiKey:
      (script && script.getAttribute("data-api-key")) ||
      (metaKey && metaKey.getAttribute("content")) ||
      stored.apiKey ||
      "",
    shop: params.get("shop") || stored.shop || "",
    host: params.get("host") || stored.host || "",
    locale: params.get("locale") || stored.locale || "en",
    disabledFeatures: [],
  };
  try {
    sessionStorage.setItem(CONFIG_KEY, JSON.stringify(config));
  } catch {
    /* storage may be unavailable in a sandboxed frame */
  }

  var originalFetch = window.fetch.bind(window);

  // ---- talking to the admin page ----------------------------------------------------------------------------------

  var pending = {};
  var sequence = 0;

  function post(action, payload, id) {
    if (!framed) return;
    window.parent.postMessage({ source: FROM_APP, action: action, id: id, payload: payload }, emulatorOrigin);
  }

  function ask(action, payload) {
    return new Promise(function (resolve, reject) {
      var id = ++sequence;
      pending[id] = { resolve: resolve, reject: reject };
      post(action, payload, id);
      setTimeout(function () {
        if (!pending[id]) return;
        delete pending[id];
        reject(new Error("App Bridge: the admin did not answer " + action));
      }, 10000);
    });
  }

  // ---- ID tokens --------------------------------------------------------------------------------------------------

  var cachedToken = null;
  var cachedUntil = 0;

  function expiryOf(token) {
    try {
      var payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      return payload.exp * 1000;
    } catch {
      return 0;
    }
  }

  function fetchToken() {
    if (framed) {
      return ask("idToken").then(function (payload) {
        return payload.idToken;
      });
    }
    var url = emulatorOrigin + "/admin/api/session-token?shop=" + encodeURIComponent(config.shop);
    return originalFetch(url).then(function (response) {
      if (!response.ok) throw new Error("App Bridge: could not get a session token (" + response.status + ")");
      return response.json().then(function (body) {
        return body.idToken;
      });
    });
  }

  function idToken(forceFresh) {
    if (!forceFresh && cachedToken && Date.now() < cachedUntil) return Promise.resolve(cachedToken);
    return fetchToken().then(function (token) {
      cachedToken = token;
      // Renew a little before expiry so a token never arrives already stale.
      cachedUntil = expiryOf(token) - 10000;
      return token;
    });
  }

  // ---- authenticated fetch ----------------------------------------------------------------------------------------

  function urlOf(input) {
    if (typeof input === "string") return new URL(input, location.href);
    if (input instanceof URL) return input;
    return new URL(input.url, location.href);
  }

  function isAppUrl(url) {
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    return url.origin === location.origin || url.hostname.endsWith("." + location.hostname);
  }

  function authenticated(request, token) {
    var copy = request.clone();
    if (!copy.headers.has("Authorization")) copy.headers.set("Authorization", "Bearer " + token);
    if (!copy.headers.has("Accept-Language")) copy.headers.set("Accept-Language", config.locale);
    return copy;
  }

  window.fetch = function (input, init) {
    var url;
    try {
      url = urlOf(input);
    } catch {
      return originalFetch(input, init);
    }
    if (!isAppUrl(url)) return originalFetch(input, init);
    var request =
      typeof input === "string" || input instanceof URL ? new Request(url.href, init) : new Request(input, init);
    return idToken(false).then(function (token) {
      return originalFetch(authenticated(request, token)).then(function (response) {
        var reauthorizeUrl = response.headers.get("X-Shopify-API-Request-Failure-Reauthorize-Url");
        if (response.status === 401 && reauthorizeUrl) {
          redirectTop(reauthorizeUrl);
          return response;
        }
        if (response.status === 401 && response.headers.get("X-Shopify-Retry-Invalid-Session-Request") === "1") {
          return idToken(true).then(function (fresh) {
            return originalFetch(authenticated(request, fresh));
          });
        }
        return response;
      });
    });
  };

  function redirectTop(url) {
    var target = new URL(url, location.href).href;
    if (framed) post("redirect", { url: target });
    else location.assign(target);
  }

  // ---- toasts, loading --------------------------------------------------------------------------------------------

  var toastSequence = 0;
  var toastCallbacks = {};
  var toast = {
    show: function (message, options) {
      var opts = options || {};
      var id = "toast-" + ++toastSequence;
      toastCallbacks[id] = { onAction: opts.onAction, onDismiss: opts.onDismiss };
      post("toast", {
        id: id,
        message: String(message),
        isError: Boolean(opts.isError),
        duration: typeof opts.duration === "number" ? opts.duration : 5000,
        action: opts.action || null,
      });
      return id;
    },
    hide: function (id) {
      post("toastHide", { id: id });
    },
  };

  function loading(isLoading) {
    var on = isLoading === undefined ? true : Boolean(isLoading);
    post("loading", { on: on });
    return on;
  }

  // ---- navigation menu and title bar -----------------------------------------------------------------------------

  var navigateListeners = 0;
  var addListener = window.addEventListener;
  var removeListener = window.removeEventListener;
  // Remix's AppProvider listens for `shopify:navigate` on window; knowing whether anyone does lets us fall back to
  // a plain navigation for apps without a router.
  window.addEventListener = function (type) {
    if (type === "shopify:navigate") navigateListeners += 1;
    return addListener.apply(this, arguments);
  };
  window.removeEventListener = function (type) {
    if (type === "shopify:navigate") navigateListeners = Math.max(0, navigateListeners - 1);
    return removeListener.apply(this, arguments);
  };

  function textOf(element) {
    return (element.textContent || "").replace(/\s+/g, " ").trim();
  }

  function readNavMenu() {
    var menu = document.querySelector("ui-nav-menu, s-app-nav");
    if (!menu) return null;
    var home = null;
    var items = [];
    var links = menu.querySelectorAll("a[href], s-link[href]");
    for (var i = 0; i < links.length; i++) {
      var link = links[i];
      var item = { label: textOf(link), href: link.getAttribute("href") };
      if (link.getAttribute("rel") === "home") home = item;
      else items.push(item);
    }
    return { home: home, items: items };
  }

  function readTitleBar() {
    var bars = document.querySelectorAll("ui-title-bar");
    for (var i = 0; i < bars.length; i++) {
      var bar = bars[i];
      if (bar.closest("ui-modal")) continue;
      var buttons = [];
      var buttonElements = bar.querySelectorAll("button");
      for (var j = 0; j < buttonElements.length; j++) {
        var button = buttonElements[j];
        buttons.push({
          index: j,
          label: textOf(button),
          primary: button.getAttribute("variant") === "primary",
          disabled: button.hasAttribute("disabled"),
        });
      }
      return { title: bar.getAttribute("title") || "", buttons: buttons };
    }
    return null;
  }

  function currentPath() {
    var search = new URLSearchParams(location.search);
    ["embedded", "shop", "host", "id_token", "hmac", "locale", "session", "timestamp"].forEach(function (key) {
      search.delete(key);
    });
    var query = search.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  var lastState = "";
  function sync() {
    var state = { navMenu: readNavMenu(), titleBar: readTitleBar(), path: currentPath() };
    var serialized = JSON.stringify(state);
    if (serialized === lastState) return;
    lastState = serialized;
    post("state", state);
  }

  var syncScheduled = false;
  function scheduleSync() {
    if (syncScheduled) return;
    syncScheduled = true;
    setTimeout(function () {
      syncScheduled = false;
      sync();
    }, 20);
  }

  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      scheduleSync();
      return result;
    };
  });
  addListener.call(window, "popstate", scheduleSync);

  function navigate(href) {
    var menu = document.querySelector("ui-nav-menu, s-app-nav");
    var anchor = null;
    if (menu) {
      var links = menu.querySelectorAll("a[href], s-link[href]");
      for (var i = 0; i < links.length; i++) {
        if (links[i].getAttribute("href") === href) anchor = links[i];
      }
    }
    if (anchor && navigateListeners > 0) {
      anchor.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true, composed: true }));
      return;
    }
    location.assign(new URL(href, location.href).href);
  }

  function clickTitleBarButton(index) {
    var bar = document.querySelector("ui-title-bar");
    var button = bar && bar.querySelectorAll("button")[index];
    if (button) button.click();
  }

  addListener.call(window, "message", function (event) {
    if (!framed || event.source !== window.parent || event.origin !== emulatorOrigin) return;
    var data = event.data;
    if (!data || data.source !== FROM_ADMIN) return;
    if (data.action === "response" && pending[data.id]) {
      var waiter = pending[data.id];
      delete pending[data.id];
      if (data.error) waiter.reject(new Error(data.error));
      else waiter.resolve(data.payload);
    } else if (data.action === "navigate") {
      navigate(data.payload.href);
    } else if (data.action === "titleBarAction") {
      clickTitleBarButton(data.payload.index);
    } else if (data.action === "toastAction" || data.action === "toastDismiss") {
      var callbacks = toastCallbacks[data.payload.id];
      var callback = callbacks && (data.action === "toastAction" ? callbacks.onAction : callbacks.onDismiss);
      if (typeof callback === "function") callback();
    }
  });

  // ---- ui-modal and ui-save-bar: enough for @shopify/app-bridge-react's Modal and SaveBar -------------------------

  function defineToggleElement(name, overlay) {
    if (!window.customElements || customElements.get(name)) return;
    customElements.define(
      name,
      class extends HTMLElement {
        constructor() {
          super();
          this._open = false;
        }
        // The element's children stay as the app rendered them, as App Bridge's do: a child added here would be
        // in the DOM before React hydrates the page, and React would throw the page away and render it again.
        connectedCallback() {
          this.style.display = this._open ? "block" : "none";
        }
        get open() {
          return this._open;
        }
        show() {
          if (this._open) return Promise.resolve();
          this._open = true;
          this.style.display = "block";
          if (overlay) {
            this.style.position = "fixed";
            this.style.inset = "10% 20%";
            this.style.background = "#fff";
            this.style.boxShadow = "0 0 0 100vmax rgba(0,0,0,.4)";
            this.style.padding = "16px";
            this.style.overflow = "auto";
            this.style.zIndex = "1000";
          }
          this.dispatchEvent(new CustomEvent("show"));
          return Promise.resolve();
        }
        hide() {
          if (!this._open) return Promise.resolve();
          this._open = false;
          this.style.display = "none";
          this.dispatchEvent(new CustomEvent("hide"));
          return Promise.resolve();
        }
        toggle() {
          return this._open ? this.hide() : this.show();
        }
      },
    );
  }
  defineToggleElement("ui-modal", true);
  defineToggleElement("ui-save-bar", false);

  function byId(id) {
    var element = document.getElementById(id);
    if (!element) throw new Error("App Bridge: no element with id " + id);
    return element;
  }

  // ---- the shopify global -----------------------------------------------------------------------------------------

  window.shopify = {
    __localShopify: true,
    config: config,
    environment: { embedded: framed, mobile: false, pos: false },
    idToken: function () {
      return idToken(false);
    },
    toast: toast,
    loading: loading,
    modal: {
      show: function (id) {
        return byId(id).show();
      },
      hide: function (id) {
        return byId(id).hide();
      },
      toggle: function (id) {
        return byId(id).toggle();
      },
    },
    saveBar: {
      show: function (id) {
        return byId(id).show();
      },
      hide: function (id) {
        return byId(id).hide();
      },
      toggle: function (id) {
        return byId(id).toggle();
      },
      leaveConfirmation: function () {
        return Promise.resolve();
      },
    },
  };

  // ---- start ------------------------------------------------------------------------------------------------------

  // The app's bounce page (/auth/session-token) loads App Bridge with `shopify-reload`: App Bridge answers by
  // reloading that URL with a fresh `id_token`.
  var reload = params.get("shopify-reload");
  if (reload) {
    var target = new URL(reload, location.href);
    if (target.origin === location.origin) {
      idToken(true).then(function (token) {
        target.searchParams.set("id_token", token);
        location.replace(target.href);
      });
    }
  }

  function start() {
    // App Bridge's elements describe admin chrome; like the real script, render them in the admin, not the app.
    if (document.head && document.createElement) {
      var style = document.createElement("style");
      style.textContent = "ui-nav-menu, s-app-nav, ui-title-bar { display: none !important; }";
      document.head.appendChild(style);
    }
    sync();
    if (window.MutationObserver) {
      new MutationObserver(scheduleSync).observe(document.documentElement, {
        subtree: true,
        childList: true,
        attributes: true,
        characterData: true,
      });
    }
  }
  if (document.readyState === "loading") addListener.call(document, "DOMContentLoaded", start);
  else start();
})();
