import 'i18next';
import type en from './en.json';

// Typed keys: a misspelt or missing string fails the typecheck instead of showing its key.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof en };
  }
}
