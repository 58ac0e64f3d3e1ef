/**
 * A small DOM builder: `h('td', { class: 'num' }, text)` creates elements with attributes,
 * event listeners and children. Text always goes in as text nodes, never as HTML, so names
 * from scenarios cannot inject markup.
 */

/** A child: a node, text, a number, nothing, or a list of them. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** Attributes: strings and numbers are set as attributes, booleans toggle them, functions named on* are listeners. */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((e: Event) => void)>;

/** Appends children (flattened; nothing for null, undefined and false). */
export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, ...c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
}

/** Creates an element. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (v === true) el.setAttribute(k, '');
      else el.setAttribute(k, String(v));
    }
  }
  append(el, ...children);
  return el;
}

/** Replaces an element's children. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** An SVG-free inline "badge" for a status word (its class carries the colour; the word carries the meaning). */
export function badge(text: string, kind: string = text): HTMLSpanElement {
  return h('span', { class: `badge badge-${kind}` }, text);
}
