// Copies text with the async Clipboard API, falling back to a hidden textarea and
// execCommand('copy') where the API is missing or refused (e.g. plain http).
// Resolves to true when the text was copied.

export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused or document not focused: try the fallback.
    }
  }
  return copyWithTextarea(text);
}

function copyWithTextarea(text) {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'clipboard-buffer';
  document.body.append(area);
  const previous = document.activeElement;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (previous && typeof previous.focus === 'function') previous.focus();
  return ok;
}
