import type { BlockNode } from "./block-view.js";

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The tree as HTML, as the admin would hold the custom elements (attribute names as the props are spelled). */
export function renderHtml(node: BlockNode): string {
  if (typeof node === "string") return escapeHtml(node);
  const attributes = Object.entries(node.props)
    .filter(([, value]) => value !== false)
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`))
    .join("");
  return `<${node.tag}${attributes}>${node.children.map(renderHtml).join("")}</${node.tag}>`;
}
