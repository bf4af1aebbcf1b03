import {
  ActionIcon,
  Badge,
  getThemeColor,
  type MantineColor,
  type MantineTheme,
  Table,
  UnstyledButton,
  useMantineTheme,
} from '@mantine/core';
import { type ButtonHTMLAttributes, type CSSProperties, type MouseEvent, type ReactNode, useMemo } from 'react';
import { useHref, useNavigate } from 'react-router';

/**
 * Table rows and badges drawn with Mantine's own class names and colours but as plain
 * elements. A Mantine component does real work on every render (props, theme, styles, colour
 * maths), and a page of 50 members holds hundreds of them: drawn this way the rows look the
 * same and the members page's first load spends about a third less time in script
 * (bench/README.md, bench:dashboard).
 * For large lists only; everywhere else the components themselves are the simpler choice.
 */
export function LightRow(props: { children: ReactNode; 'data-testid'?: string }) {
  return <tr className={Table.classes.tr} data-with-row-border {...props} />;
}

export function LightCell({
  children,
  style,
  dimmed,
}: {
  children?: ReactNode;
  style?: CSSProperties;
  dimmed?: boolean;
}) {
  return (
    <td className={Table.classes.td} style={dimmed ? { ...style, color: 'var(--mantine-color-dimmed)' } : style}>
      {children}
    </td>
  );
}

type BadgeVariant = 'light' | 'dot' | 'filled';
// A dot badge is white with a coloured dot: Mantine gives it a class of its own.
const dotBadge = `${Badge.classes.root} ${Badge.classes['root--dot']}`;

/**
 * A badge's colours as Mantine's Badge would compute them from the theme (the theme darkens
 * light badges' text for contrast), worked out once per colour rather than once per row.
 */
export function useLightBadges() {
  const theme = useMantineTheme();
  return useMemo(
    () => (variant: BadgeVariant, color: MantineColor, children: ReactNode) => {
      const style = variantStyle(theme, 'badge', variant, color, (colors) => ({
        '--badge-bg': colors.background,
        '--badge-color': colors.color,
        '--badge-bd': colors.border,
        ...(variant === 'dot' ? { '--badge-dot-color': getThemeColor(color, theme) } : {}),
        minWidth: 'max-content',
      }));
      return (
        <span className={variant === 'dot' ? dotBadge : Badge.classes.root} data-variant={variant} style={style}>
          <span className={Badge.classes.label}>{children}</span>
        </span>
      );
    },
    [theme],
  );
}

/**
 * Links for every row of a large list, as plain anchors: React Router's Link runs about ten
 * hooks for each one. Returns a function of `to` (relative to the current route, as Link's
 * is). A plain click navigates inside the app; a click with a modifier key or another button
 * (new tab, new window) is the browser's, as with Link.
 */
export function useLightLinks() {
  const navigate = useNavigate();
  const base = useHref('.').replace(/\/$/, '');
  return useMemo(() => {
    const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      void navigate(event.currentTarget.getAttribute('href')!);
    };
    return (to: string, className: string, children: ReactNode) => (
      <a href={`${base}/${to}`} className={className} onClick={onClick}>
        {children}
      </a>
    );
  }, [navigate, base]);
}

const iconButtonClass = `mantine-focus-auto mantine-active ${ActionIcon.classes.root} ${UnstyledButton.classes.root}`;

/**
 * Mantine's ActionIcon (default size) as a plain button, with its classes and its colour
 * variables worked out once per theme and colour: one in every row of a large list.
 */
export function LightActionIcon({
  variant,
  color,
  children,
  ...props
}: { variant: 'subtle'; color: MantineColor } & ButtonHTMLAttributes<HTMLButtonElement>) {
  const style = variantStyle(useMantineTheme(), 'action-icon', variant, color, (colors) => ({
    '--ai-bg': colors.background,
    '--ai-hover': colors.hover,
    '--ai-hover-color': colors.hoverColor,
    '--ai-color': colors.color,
    '--ai-bd': colors.border,
  }));
  return (
    <button type="button" className={iconButtonClass} data-variant={variant} style={style} {...props}>
      <span className={ActionIcon.classes.icon}>{children}</span>
    </button>
  );
}

type VariantColors = ReturnType<MantineTheme['variantColorResolver']>;
const variantStyles = new WeakMap<MantineTheme, Map<string, CSSProperties>>();

/**
 * The inline style a light component gets from Mantine's colours for `variant` and `color`
 * (the theme's own resolver, contrast maths included), worked out once per theme, component,
 * variant and colour and then shared by every row.
 */
function variantStyle(
  theme: MantineTheme,
  component: string,
  variant: string,
  color: MantineColor,
  toStyle: (colors: VariantColors) => Record<string, string | undefined>,
): CSSProperties {
  let styles = variantStyles.get(theme);
  if (!styles) variantStyles.set(theme, (styles = new Map<string, CSSProperties>()));
  const key = `${component} ${variant} ${color}`;
  let style = styles.get(key);
  if (!style) {
    style = toStyle(theme.variantColorResolver({ color, theme, variant }));
    styles.set(key, style);
  }
  return style;
}
