// The little XML an XMPP client over WebSocket needs (RFC 7395: every WebSocket message is one
// whole top-level element): parse one element, escape text and attribute values. Runs unchanged in
// Node and in k6 (no DOMParser there). Not a general XML parser: no DTDs, no processing
// instructions kept, namespace prefixes kept as written (`stream:features`), and `localName`
// without them.

export interface XmlElement {
  /** as written, with any prefix */
  name: string;
  /** without the prefix */
  localName: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** the element's own character data, entities decoded */
  text: string;
}

// a tag (start, end or empty), a comment or declaration to skip, or character data
const TOKEN = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|([^<]+)|(<)/g;
const ATTR = /([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

export function unescapeXml(text: string): string {
  if (text.indexOf("&") < 0) return text;
  return text.replace(ENTITY, (_, hex: string | undefined, dec: string | undefined, named: string | undefined) =>
    named ? NAMED[named] : String.fromCodePoint(parseInt(hex ?? dec ?? "0", hex ? 16 : 10)));
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : c === '"' ? "&quot;" : "&apos;"));
}

/**
 * Parses one top-level element (leading declarations, comments and whitespace allowed); returns
 * null for anything else: text that is not XML, an unclosed or mismatched tag, two top-level
 * elements. Never throws.
 */
export function parseXmlElement(text: string): XmlElement | null {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const [, closing, name, attrText, selfClosing, chars, stray] = m;
    if (stray !== undefined) return null;
    if (chars !== undefined) {
      if (stack.length > 0) stack[stack.length - 1].text += unescapeXml(chars);
      else if (chars.trim() !== "") return null;
      continue;
    }
    if (name === undefined) continue; // declaration or comment
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name || attrText || selfClosing) return null;
      if (stack.length === 0) root = open;
      continue;
    }
    if (root) return null; // a second top-level element
    const element: XmlElement = { name, localName: name.slice(name.indexOf(":") + 1), attrs: attributes(attrText), children: [], text: "" };
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    if (selfClosing) {
      if (stack.length === 0) root = element;
    } else {
      stack.push(element);
    }
  }
  return stack.length === 0 ? root : null;
}

function attributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  if (!text) return attrs;
  ATTR.lastIndex = 0;
  for (let m = ATTR.exec(text); m !== null; m = ATTR.exec(text)) attrs[m[1]] = unescapeXml(m[2] ?? m[3] ?? "");
  return attrs;
}

/** The first child with this local name (and namespace, when given). */
export function childOf(element: XmlElement, localName: string, xmlns?: string): XmlElement | undefined {
  for (const c of element.children) if (c.localName === localName && (xmlns === undefined || c.attrs.xmlns === xmlns)) return c;
  return undefined;
}
