import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';

// Every user-visible string lives in en.json (Spanish arrives as es.json in part 2).
export const resources = { en: { translation: en } } as const;

void i18n.use(initReactI18next).init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export default i18n;
