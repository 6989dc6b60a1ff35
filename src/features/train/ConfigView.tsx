import type { EngineConfig } from '@protocol/runs.ts';
import {
  importYaml,
  overriddenKeys,
  toTrainCommand,
  toYaml,
  type YamlImportError,
} from '@protocol/train-config.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parse } from 'yaml';
import { useTrainForm } from './form-store.ts';

function CopyButton({ text, testId }: { text: string; testId: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn"
      data-testid={testId}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      {copied ? t('train.config.copied') : t('train.config.copy')}
    </button>
  );
}

function download(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

type ImportResult =
  | { kind: 'ok'; file: string; unknownKeys: string[]; errors: YamlImportError[] }
  | { kind: 'failed'; file: string; errors: YamlImportError[] };

/** Parses the extra-arguments text; an empty text is an empty mapping. */
function parseExtra(
  text: string,
): { ok: true; value: EngineConfig } | { ok: false; message: string } {
  if (text.trim() === '') {
    return { ok: true, value: {} };
  }
  try {
    const value: unknown = parse(text, { version: '1.1' });
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, message: 'key: value lines expected' };
    }
    return { ok: true, value: value as EngineConfig };
  } catch (error) {
    return {
      ok: false,
      message: error instanceof Error ? (error.message.split('\n')[0] ?? '') : '',
    };
  }
}

/** The exact YAML the engine gets, its command, import and export, and extra arguments. */
export function ConfigView({ config }: { config: EngineConfig }) {
  const { t } = useTranslation();
  const form = useTrainForm((state) => state.form);
  const setExtra = useTrainForm((state) => state.setExtra);
  const loadConfig = useTrainForm((state) => state.loadConfig);
  const [importResult, setImportResult] = useState<ImportResult | null>(null);
  const [extraText, setExtraText] = useState<string | null>(null);

  const yaml = toYaml(config);
  const yamlPath = `${String(config.output_dir ?? '<output_dir>')}/training_args.yaml`;
  const command = toTrainCommand(yamlPath);
  const shownExtra = extraText ?? (Object.keys(form.extra).length > 0 ? toYaml(form.extra) : '');
  const extraParsed = parseExtra(shownExtra);
  const overrides = overriddenKeys(form);

  const onImport = async (file: File) => {
    const result = importYaml(await file.text());
    if (!result.config) {
      setImportResult({ kind: 'failed', file: file.name, errors: result.errors });
      return;
    }
    loadConfig(result.config);
    setExtraText(null);
    setImportResult({
      kind: 'ok',
      file: file.name,
      unknownKeys: result.unknownKeys,
      errors: result.errors,
    });
  };

  return (
    <div className="two-columns">
      <div>
        <div className="row">
          <strong>{t('train.config.yaml')}</strong>
          <CopyButton text={yaml} testId="copy-yaml" />
          <button
            type="button"
            className="btn"
            data-testid="export-yaml"
            onClick={() => download('training_args.yaml', yaml)}
          >
            {t('train.config.export')}
          </button>
          <label className="btn">
            {t('train.config.import')}
            <input
              type="file"
              accept=".yaml,.yml"
              hidden
              data-testid="import-yaml"
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = '';
                if (file) {
                  void onImport(file);
                }
              }}
            />
          </label>
        </div>
        {importResult && (
          <div
            data-testid="import-result"
            className={importResult.kind === 'failed' ? 'error-text' : 'muted'}
          >
            {importResult.kind === 'failed'
              ? t('train.config.importFailed', { file: importResult.file })
              : importResult.unknownKeys.length > 0
                ? t('train.config.imported', {
                    file: importResult.file,
                    count: importResult.unknownKeys.length,
                    keys: importResult.unknownKeys.join(', '),
                  })
                : t('train.config.importedClean', { file: importResult.file })}
            {importResult.errors.map((error) => (
              <div key={`${error.line}-${error.message}`} className="error-text">
                {error.line === null
                  ? error.message
                  : t('train.config.lineError', { line: error.line, message: error.message })}
              </div>
            ))}
          </div>
        )}
        <pre className="config" data-testid="config-yaml">
          {yaml}
        </pre>
        <div className="row">
          <strong>{t('train.config.command')}</strong>
          <CopyButton text={command} testId="copy-command" />
        </div>
        <pre className="config" data-testid="config-command">
          {command}
        </pre>
        <p className="muted">{t('train.config.yamlPathNote')}</p>
      </div>
      <div>
        <label className={`field ${extraParsed.ok ? '' : 'invalid'}`}>
          <span>{t('train.fields.extra.label')}</span>
          <textarea
            data-testid="field-extra"
            rows={12}
            spellCheck={false}
            value={shownExtra}
            onChange={(event) => {
              setExtraText(event.target.value);
              const parsed = parseExtra(event.target.value);
              if (parsed.ok) {
                setExtra(parsed.value);
              }
            }}
          />
          <span className="help">{t('train.fields.extra.help')}</span>
          {!extraParsed.ok && (
            <span className="error" data-testid="field-error-extra">
              {t('train.config.extraInvalid', { message: extraParsed.message })}
            </span>
          )}
          {overrides.length > 0 && (
            <span className="help" data-testid="extra-overrides">
              ⚠ {t('train.config.overrides', { keys: overrides.join(', ') })}
            </span>
          )}
        </label>
      </div>
    </div>
  );
}
