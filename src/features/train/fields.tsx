import type { ValidationIssue } from '@protocol/train-config.ts';
import { type ReactNode, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Issues about one or more LLaMA-Factory keys, as rendered under the field that sets them. */
export function FieldIssues({
  keys,
  issues,
}: {
  keys: readonly string[];
  issues: ValidationIssue[];
}) {
  const { t } = useTranslation();
  const own = issues.filter((issue) => keys.includes(issue.field));
  const errors = own.filter((issue) => issue.severity === 'error');
  const warnings = own.filter((issue) => issue.severity === 'warning');
  const testKey = keys[0] ?? '';
  return (
    <>
      {errors.length > 0 && (
        <div className="error" role="alert" data-testid={`field-error-${testKey}`}>
          {errors.map((issue) => (
            <div key={`${issue.field}-${issue.code}-${JSON.stringify(issue.params)}`}>
              {t(`train.validation.${issue.code}`, issue.params)}
            </div>
          ))}
        </div>
      )}
      {warnings.length > 0 && (
        <div className="help" data-testid={`field-warning-${testKey}`}>
          {warnings.map((issue) => (
            <div key={`${issue.field}-${issue.code}`}>
              ⚠ {t(`train.validation.${issue.code}`, issue.params)}
            </div>
          ))}
        </div>
      )}
    </>
  );
}

interface FieldShellProps {
  /** LLaMA-Factory key (or form field) that names the label, help text and test id. */
  name: string;
  /** Keys whose issues show under this field; defaults to `name`. */
  issueKeys?: readonly string[];
  issues: ValidationIssue[];
  /** Renders the control with the id that the label points at. */
  children: (id: string) => ReactNode;
  className?: string;
}

export function FieldShell({ name, issueKeys, issues, children, className }: FieldShellProps) {
  const { t } = useTranslation();
  const id = useId();
  const keys = issueKeys ?? [name];
  const invalid = issues.some((issue) => keys.includes(issue.field) && issue.severity === 'error');
  return (
    <div className={`field ${invalid ? 'invalid' : ''} ${className ?? ''}`}>
      <label htmlFor={id}>{t(`train.fields.${name}.label`)}</label>
      {children(id)}
      <span className="help">{t(`train.fields.${name}.help`)}</span>
      <FieldIssues keys={keys} issues={issues} />
    </div>
  );
}

function formatNumber(value: number | null): string {
  if (value === null || Number.isNaN(value)) {
    return '';
  }
  return String(value);
}

function parseNumber(text: string, nullable: boolean): number | null {
  const trimmed = text.trim();
  if (trimmed === '') {
    return nullable ? null : Number.NaN;
  }
  return Number(trimmed);
}

interface NumberFieldProps {
  name: string;
  value: number | null;
  onChange(value: number | null): void;
  issues: ValidationIssue[];
  issueKeys?: readonly string[];
  /** Allows an empty input, which means "leave the key out". */
  nullable?: boolean;
  step?: string;
}

/**
 * A number input that keeps what the user typed (e.g. `5e-`) while it does not parse yet;
 * the store gets NaN for text that is not a number, so the validator can name the problem.
 */
export function NumberField({
  name,
  value,
  onChange,
  issues,
  issueKeys,
  nullable,
}: NumberFieldProps) {
  const [text, setText] = useState(formatNumber(value));
  const parsed = parseNumber(text, nullable ?? false);
  const shownText = Object.is(parsed, value) ? text : formatNumber(value);
  return (
    <FieldShell name={name} issues={issues} issueKeys={issueKeys}>
      {(id) => (
        <>
          <input
            id={id}
            type="text"
            inputMode="decimal"
            data-testid={`field-${name}`}
            value={shownText}
            onChange={(event) => {
              setText(event.target.value);
              onChange(parseNumber(event.target.value, nullable ?? false));
            }}
          />
        </>
      )}
    </FieldShell>
  );
}

interface TextFieldProps {
  name: string;
  value: string;
  onChange(value: string): void;
  issues: ValidationIssue[];
  placeholder?: string;
  list?: string;
}

export function TextField({ name, value, onChange, issues, placeholder, list }: TextFieldProps) {
  return (
    <FieldShell name={name} issues={issues}>
      {(id) => (
        <>
          <input
            id={id}
            type="text"
            data-testid={`field-${name}`}
            value={value}
            placeholder={placeholder}
            list={list}
            onChange={(event) => onChange(event.target.value)}
          />
        </>
      )}
    </FieldShell>
  );
}

interface SelectFieldProps<T extends string> {
  name: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange(value: T): void;
  issues: ValidationIssue[];
  issueKeys?: readonly string[];
  testId?: string;
}

export function SelectField<T extends string>({
  name,
  value,
  options,
  onChange,
  issues,
  issueKeys,
  testId,
}: SelectFieldProps<T>) {
  return (
    <FieldShell name={name} issues={issues} issueKeys={issueKeys}>
      {(id) => (
        <>
          <select
            id={id}
            data-testid={testId ?? `field-${name}`}
            value={value}
            onChange={(event) => {
              const chosen = options.find((option) => option.value === event.target.value);
              if (chosen) {
                onChange(chosen.value);
              }
            }}
          >
            {options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </>
      )}
    </FieldShell>
  );
}

interface CheckboxFieldProps {
  name: string;
  value: boolean;
  onChange(value: boolean): void;
  issues: ValidationIssue[];
  issueKeys?: readonly string[];
}

export function CheckboxField({ name, value, onChange, issues, issueKeys }: CheckboxFieldProps) {
  const { t } = useTranslation();
  const keys = issueKeys ?? [name];
  return (
    <div className="field">
      <label className="checkbox row">
        <input
          type="checkbox"
          data-testid={`field-${name}`}
          checked={value}
          onChange={(event) => onChange(event.target.checked)}
        />
        <span>{t(`train.fields.${name}.label`)}</span>
      </label>
      <span className="help">{t(`train.fields.${name}.help`)}</span>
      <FieldIssues keys={keys} issues={issues} />
    </div>
  );
}

/** A collapsible group of fields. */
export function Section({
  title,
  open,
  children,
  testId,
}: {
  title: string;
  open?: boolean;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <details className="panel" open={open} data-testid={testId}>
      <summary>{title}</summary>
      {children}
    </details>
  );
}
