// Building an Intl formatter costs far more than formatting with one (a table of 50 dates
// would build 50), so each language's formatter is made once.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${language} ${options.timeStyle ?? ''}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(language, options);
    formatters.set(key, format);
  }
  return format;
}

/** Dates as people read them in their language (the API sends ISO 8601). */
export function formatDateTime(iso: string, language: string): string {
  return formatter(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function formatDate(iso: string, language: string): string {
  return formatter(language, { dateStyle: 'medium' }).format(new Date(iso));
}
