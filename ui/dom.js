// DOM helpers of the dashboard (docs/dashboard.md). Text is always set as text (never as HTML),
// so that nothing a record says can become markup; sizes go through the CSSOM (the CSP allows no
// inline style attribute).

/** An element with attributes (`on*` functions become listeners) and children (nodes or text). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Replaces the children of `el`, keeping what the person was doing in it (views re-render at
 * every live update): the focused element stays the same element where the new content has the
 * same shape around it, else focus moves to the new element with the same key (`data-key`, else
 * a link's href and text, else the id); each `<details data-key>` keeps its open state.
 */
export function replace(el, ...children) {
  const focused = document.activeElement;
  const inside = focused && focused !== el && el.contains(focused);
  const open = detailsState(el);
  if (!inside && open.size === 0) {
    el.replaceChildren();
    append(el, children);
    return;
  }
  const holder = document.createDocumentFragment();
  append(holder, children);
  for (const d of holder.querySelectorAll('details[data-key]'))
    if (open.has(d.dataset.key)) d.open = open.get(d.dataset.key);
  if (!inside) {
    el.replaceChildren(holder);
    return;
  }
  const key = keyOf(focused);
  const target = key === null ? null : find(holder, key);
  patch(el, [...holder.childNodes], focused, target);
  if (!focused.isConnected) find(el, key)?.focus({ preventScroll: true });
}

/** The element under `root` whose key is `key`, or null. */
function find(root, key) {
  if (key === null) return null;
  for (const n of root.querySelectorAll('[data-key], a[href], [id]')) if (keyOf(n) === key) return n;
  return null;
}

/** The open state of each `<details data-key>` under `el`. */
function detailsState(el) {
  const out = new Map();
  for (const d of el.querySelectorAll('details[data-key]')) out.set(d.dataset.key, d.open);
  return out;
}

/** What identifies an element from one render to the next, or null. */
function keyOf(node) {
  if (node.dataset?.key) return `key:${node.dataset.key}`;
  if (node.tagName === 'A' && node.hasAttribute('href'))
    return `a:${node.getAttribute('href')} ${node.textContent}`;
  return node.id ? `id:${node.id}` : null;
}

/**
 * Makes `parent`'s children `nodes`, in place: the child that holds `focused` is kept (and
 * patched) when the new child at its place is an element of the same tag that holds `target`
 * (the focused element's new self, when it has a key), so that focus never leaves the document;
 * every other child is swapped for the new one.
 */
function patch(parent, nodes, focused, target) {
  for (let i = 0; i < nodes.length; i++) {
    const next = nodes[i];
    const old = parent.childNodes[i];
    if (old === next) continue;
    if (!old) parent.append(next);
    else if (
      old.contains(focused) &&
      old.nodeType === 1 &&
      old.tagName === next.tagName &&
      (target === null || next.contains(target))
    ) {
      if (old.isEqualNode(next)) continue;
      for (const a of [...old.attributes]) if (!next.hasAttribute(a.name)) old.removeAttribute(a.name);
      for (const a of next.attributes)
        if (old.getAttribute(a.name) !== a.value) old.setAttribute(a.name, a.value);
      patch(old, [...next.childNodes], focused, target);
    } else parent.replaceChild(next, old);
  }
  while (parent.childNodes.length > nodes.length) parent.lastChild.remove();
}

/** `1 h 02 min`, `3 min 05 s`, `42 s`; an em dash when unknown. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** An ISO time as shown (UTC, to the second), in a <time> element. */
export function time(iso) {
  if (!iso) return '—';
  return h('time', { datetime: iso }, iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z'));
}

/** The hash of a server's view. */
export function serverHref(name) {
  return `#/server/${encodeURIComponent(name)}`;
}
