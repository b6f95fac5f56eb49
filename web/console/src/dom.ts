// A small DOM builder: h("button", {class: "primary", onclick}, "text", child, ...).
type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2), value as EventListener);
    } else if (key === "class") {
      element.className = String(value);
    } else if (key === "style" && typeof value === "object") {
      Object.assign(element.style, value);
    } else if (value === true) {
      element.setAttribute(key, "");
    } else {
      element.setAttribute(key, String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(parent: Element, ...children: (Child | Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

// A date-time from the API (UTC, RFC 3339) in the reader's local time.
export function when(text: string | null | undefined): string {
  if (!text) return "—";
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? text : date.toLocaleString();
}

// The API's lists come 100 at a time: a button under a list that fetches the next page at the
// list's length so far and hands it to `add`, shown while pages come back full.
export const pageSize = 100;
export function moreButton<T>(shown: number, fetchPage: (offset: number) => Promise<T[]>, add: (items: T[]) => void, label: string): HTMLElement {
  let offset = shown;
  const button = h("button", { type: "button", class: "link more", hidden: shown < pageSize }, label);
  button.addEventListener("click", async () => {
    const items = await fetchPage(offset);
    offset += items.length;
    add(items);
    button.hidden = items.length < pageSize;
  });
  return button;
}
