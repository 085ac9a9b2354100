/**
 * A tiny view layer: element builders for HTML and SVG, and helpers to replace the content
 * of a container. No virtual DOM; views rebuild the parts that change.
 */

/** What a child may be: a node, text (numbers are formatted as text), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes of an element: strings and numbers are set, `true` sets an empty attribute, false and null skip it; `on` adds event listeners. */
export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | Listeners;
  on?: Listeners;
}

/** Event listeners by event name. */
export type Listeners = { [event: string]: (event: Event) => void };

function apply(el: Element, attrs: Attrs | undefined, children: readonly Child[]): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (name === 'on') {
      for (const [event, fn] of Object.entries(value as Listeners)) el.addEventListener(event, fn);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** An HTML element: `h('a', { href: '#/world' }, 'World')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element: `s('path', { d, fill })`. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs, children);
  return el;
}

/** Replaces everything inside `parent` with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  apply(parent, undefined, children);
}
