// The Function's exports, as the discount template lays them out: the CLI wraps each in @shopify/shopify_function's
// run and names it by the `export` of its target in shopify.extension.toml.
export * from "./cart_lines_discounts_generate_run.js";
export * from "./cart_delivery_options_discounts_generate_run.js";
