/** A number field that says what it did with what was typed. */
import { useId, useState } from 'react';
import { clampToRange, type NumberRange } from '../../ml/core/vocab';

/**
 * A number field that never silently keeps an old value: what is typed is used when it is in
 * range, clamped to the nearest allowed value otherwise — and the note says so.
 */
export function Num({ label, value, step, range, onChange, testId, noteTestId = 'recipe-note' }: { label: string; value: number; step: number; range: NumberRange; onChange: (v: number) => void; testId?: string; noteTestId?: string }) {
  const [draft, setDraft] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const noteId = useId();
  const nameId = useId();
  return (
    <label>
      <span id={nameId}>{label}</span>{' '}
      <input
        // Named by its label's words alone: the note inside the label made the name "Learning rate Learning rate: 0 is outside…"; it describes the field instead.
        aria-labelledby={nameId}
        type="number"
        value={draft ?? value}
        step={step}
        min={range.min}
        max={range.max}
        data-testid={testId}
        aria-describedby={note ? noteId : undefined}
        onChange={(e) => {
          setDraft(e.target.value);
          if (e.target.value.trim() === '') return; // still typing
          const v = Number(e.target.value);
          if (!Number.isFinite(v)) return setNote(`${label}: "${e.target.value}" is not a number; keeping ${value}`);
          const c = clampToRange(v, range, step);
          const bounds = `${range.exclusiveMin ? '(' : '['}${range.min}, ${range.max}${range.exclusiveMax ? ')' : ']'}`;
          const why = range.integer && c.value === Math.round(v) ? 'is not a whole number' : `is outside ${bounds}`;
          setNote(c.clamped ? `${label}: ${v} ${why}; using ${c.value}` : null);
          onChange(c.value);
        }}
        onBlur={() => setDraft(null)}
        // The note explained the last value typed; back in the field, the student is typing another.
        onFocus={() => setNote(null)}
      />
      {note && (
        <span id={noteId} className="field-note" role="status" data-testid={noteTestId}>
          {note}
        </span>
      )}
    </label>
  );
}
