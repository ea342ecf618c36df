// Form fields that show their own error and keep what was typed.
import type { Child } from "hono/jsx";
import type { FieldErrors, FormValues } from "../../src/forms";

export interface FormState {
  values: FormValues;
  errors: FieldErrors;
}

export const emptyForm = (values: FormValues = {}): FormState => ({ values, errors: {} });

export function value(form: FormState, name: string): string {
  const v = form.values[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

export function values(form: FormState, name: string): string[] {
  const v = form.values[name];
  return Array.isArray(v) ? v : v ? [v] : [];
}

interface FieldProps {
  form: FormState;
  name: string;
  label: string;
  type?: string;
  required?: boolean;
  maxlength?: number;
  placeholder?: string;
  hint?: string;
  autocomplete?: string;
  autofocus?: boolean;
}

export function Field({ form, name, label, type = "text", hint, ...rest }: FieldProps) {
  const error = form.errors[name];
  const id = `f-${name}`;
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type}
        value={type === "password" ? "" : value(form, name)}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...rest}
      />
      {hint && !error ? <small class="hint">{hint}</small> : null}
      {error ? (
        <small class="error" id={`${id}-error`}>
          {error}
        </small>
      ) : null}
    </div>
  );
}

export function TextArea({ form, name, label, maxlength, required, rows = 3 }: FieldProps & { rows?: number }) {
  const error = form.errors[name];
  const id = `f-${name}`;
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={id}>{label}</label>
      <textarea id={id} name={name} rows={rows} maxlength={maxlength} required={required} aria-invalid={error ? "true" : undefined}>
        {value(form, name)}
      </textarea>
      {error ? <small class="error">{error}</small> : null}
    </div>
  );
}

export function Select({
  form,
  name,
  label,
  options,
  required,
}: {
  form: FormState;
  name: string;
  label: string;
  options: { value: string; label: string }[];
  required?: boolean;
}) {
  const error = form.errors[name];
  const current = value(form, name);
  return (
    <div class={error ? "field has-error" : "field"}>
      <label for={`f-${name}`}>{label}</label>
      <select id={`f-${name}`} name={name} required={required}>
        <Options options={options} current={current} />
      </select>
      {error ? <small class="error">{error}</small> : null}
    </div>
  );
}

/** A select's options, the current value chosen. */
export function Options({ options, current }: { options: { value: string; label: string }[]; current: string }) {
  return (
    <>
      {options.map((o) => (
        <option value={o.value} selected={o.value === current}>
          {o.label}
        </option>
      ))}
    </>
  );
}

export function FormError({ form, text }: { form: FormState; text: string }) {
  if (Object.keys(form.errors).length === 0) return null;
  return (
    <p class="alert error" role="alert">
      {form.errors._form ?? text}
    </p>
  );
}

export function Alert({ kind, children }: { kind: "ok" | "error"; children: Child }) {
  return (
    <p class={`alert ${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}
