import { Badge, getThemeColor, type MantineColor, Table, useMantineTheme } from '@mantine/core';
import { type CSSProperties, type ReactNode, useMemo } from 'react';

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
  return useMemo(() => {
    const cache = new Map<string, CSSProperties>();
    return (variant: BadgeVariant, color: MantineColor, children: ReactNode) => {
      const key = `${variant} ${color}`;
      let style = cache.get(key);
      if (!style) {
        const colors = theme.variantColorResolver({ color, theme, variant });
        style = {
          '--badge-bg': colors.background,
          '--badge-color': colors.color,
          '--badge-bd': colors.border,
          ...(variant === 'dot' ? { '--badge-dot-color': getThemeColor(color, theme) } : {}),
          minWidth: 'max-content',
        } as CSSProperties;
        cache.set(key, style);
      }
      return (
        <span className={variant === 'dot' ? dotBadge : Badge.classes.root} data-variant={variant} style={style}>
          <span className={Badge.classes.label}>{children}</span>
        </span>
      );
    };
  }, [theme]);
}
