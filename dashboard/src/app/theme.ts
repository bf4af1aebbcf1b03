import i18n from '../i18n';
import {
  createTheme,
  type CSSVariablesResolver,
  darken,
  type MantineColorSchemeManager,
  defaultVariantColorsResolver,
  type MantineColorsTuple,
  parseThemeColor,
  type VariantColorsResolver,
} from '@mantine/core';

// One palette, spacing scale and type scale for every screen; components take their sizes from here.
const brand: MantineColorsTuple = [
  '#eef3ff',
  '#dce4fb',
  '#b6c6f2',
  '#8ca6ea',
  '#6a8be3',
  '#5479df',
  '#4870de',
  '#3a5fc5',
  '#3054b0',
  '#22479c',
];

/** Text on light (tinted) badges and alerts: Mantine's shade 6 misses WCAG AA on the tint (orange, green). */
const accessibleVariantColors: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== 'light') return colors;
  const parsed = parseThemeColor({ color: input.color ?? input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || !input.theme.colors[parsed.color]) return colors;
  return { ...colors, color: darken(input.theme.colors[parsed.color][9], 0.25) };
};

// Every badge, button and nav link asks on every render, and the answer (colour maths included)
// depends only on these inputs for this one theme.
const resolvedVariantColors = new Map<string, ReturnType<VariantColorsResolver>>();
const variantColorResolver: VariantColorsResolver = (input) => {
  if (input.gradient) return accessibleVariantColors(input);
  const key = `${input.variant}|${input.color ?? ''}|${input.autoContrast ?? ''}`;
  let colors = resolvedVariantColors.get(key);
  if (!colors) {
    colors = accessibleVariantColors(input);
    resolvedVariantColors.set(key, colors);
  }
  return colors;
};

export const theme = createTheme({
  variantColorResolver,
  primaryColor: 'brand',
  primaryShade: 8,
  colors: { brand },
  fontFamily: 'Inter, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  headings: {
    fontWeight: '650',
    sizes: {
      h1: { fontSize: '1.625rem', lineHeight: '1.3' },
      h2: { fontSize: '1.25rem', lineHeight: '1.35' },
      h3: { fontSize: '1.0625rem', lineHeight: '1.4' },
    },
  },
  fontSizes: { xs: '0.75rem', sm: '0.875rem', md: '0.9375rem', lg: '1.0625rem', xl: '1.25rem' },
  spacing: { xs: '0.5rem', sm: '0.75rem', md: '1rem', lg: '1.5rem', xl: '2rem' },
  radius: { xs: '4px', sm: '6px', md: '8px', lg: '12px', xl: '16px' },
  defaultRadius: 'md',
  components: {
    Button: { defaultProps: { radius: 'md' } },
    // A badge is a word or two (a status, "Owner", "2FA on"): shown whole, never cut to "ACT…" in a tight table.
    Badge: { styles: { root: { minWidth: 'max-content' } } },
    Paper: { defaultProps: { radius: 'lg' } },
    Card: { defaultProps: { radius: 'lg', withBorder: true } },
    TextInput: { defaultProps: { size: 'md' } },
    PasswordInput: { defaultProps: { size: 'md' } },
    PinInput: { defaultProps: { size: 'md' } },
    // Every field the same height, so a row of filters or a form lines up. The option list is
    // built when opened: kept mounted (Mantine's default), each closed list is positioned on
    // the page's first render, which forces the browser to lay the whole page out each time.
    Select: { defaultProps: { size: 'md', comboboxProps: { keepMounted: false } } },
    MultiSelect: { defaultProps: { size: 'md', comboboxProps: { keepMounted: false } } },
    Textarea: { defaultProps: { size: 'md' } },
    Modal: {
      defaultProps: { radius: 'lg', centered: true, closeButtonProps: { 'aria-label': i18n.t('actions.close') } },
      styles: { title: { fontWeight: 650, fontSize: 'var(--mantine-font-size-lg)' } },
    },
    // No focus placeholder inside role=menu (axe: a menu holds menu items only); focus goes to the first item.
    Menu: { defaultProps: { withInitialFocusPlaceholder: false } },
    Notification: {
      defaultProps: { closeButtonProps: { 'aria-label': i18n.t('actions.close') } },
      styles: { description: { color: 'var(--mantine-color-dimmed)' } },
    },
  },
});

/** Secondary text and error marks dark enough for WCAG AA (4.5:1) on white and on gray.0. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': '#596067',
    '--mantine-color-error': '#c92a2a',
    '--mantine-color-placeholder': '#737a80',
  },
  dark: {},
});

/**
 * The dashboard has one colour scheme, so there is nothing to remember or to hear from other
 * tabs. Mantine's default manager listens for localStorage's `storage` event, and adding that
 * first listener made a fresh page load its storage before the first paint (~25-45 ms of the
 * members page's main thread in a profile, bench/README.md).
 */
export const lightColorScheme: MantineColorSchemeManager = {
  get: () => 'light',
  set: () => {},
  subscribe: () => {},
  unsubscribe: () => {},
  clear: () => {},
};
