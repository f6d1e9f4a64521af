import "@shopify/ui-extensions/preact";
import { h, render, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import { blockView, type BlockNode } from "./block-view.js";
import { customerIdOf, loadSummary, type BlockState } from "./load-summary.js";

// Built by the Shopify CLI with the extension's own tsconfig.json and packages (package.json here); the app's tsc
// skips this one file (root tsconfig.json excludes it) and checks everything it imports.

export default async () => {
  render(<Extension />, document.body);
};

function toPreact(node: BlockNode): VNode | string {
  return typeof node === "string" ? node : h(node.tag, node.props, ...node.children.map(toPreact));
}

function Extension() {
  const customerId = customerIdOf(shopify.data.selected[0]?.id);
  const [state, setState] = useState<BlockState>({ status: "loading" });
  useEffect(() => {
    let current = true;
    void loadSummary(fetch, customerId).then((next) => current && setState(next));
    return () => {
      current = false;
    };
  }, [customerId]);
  return toPreact(blockView(state, (key, replacements) => shopify.i18n.translate(key, replacements)));
}
