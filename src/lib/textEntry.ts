/** Whether an event's target takes typed keys or pasted text itself (a field, a select, an editable region): the page's shortcuts and paste leave it alone. */
export function takesText(target: EventTarget | null): boolean {
  const t = target as HTMLElement | null;
  const tag = t?.tagName?.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || !!t?.isContentEditable;
}
