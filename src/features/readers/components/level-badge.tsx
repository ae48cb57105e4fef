import { Moon, Sparkles, Star, Sun, type LucideIcon } from 'lucide-react';
import type { ReaderLevel } from '@/features/readers/api/fetch-reader-page';

// Full class names, so Tailwind finds them; unknown themes fall back to the first.
const THEMES: Record<string, string> = {
  slate: 'border-slate-400/50 bg-slate-400/10 text-slate-200',
  violet: 'border-violet-400/50 bg-violet-400/10 text-violet-200',
  amber: 'border-amber-400/50 bg-amber-400/10 text-amber-200',
};
const ICONS: Record<string, LucideIcon> = { sparkles: Sparkles, moon: Moon, sun: Sun };

export function LevelBadge({ level }: { level: Pick<ReaderLevel, 'name' | 'color_theme' | 'icon'> }) {
  const Icon = ICONS[level.icon] ?? Star;
  return (
    <span className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium ${THEMES[level.color_theme] ?? THEMES.slate}`}>
      <Icon aria-hidden="true" className="size-3" />
      {level.name}
    </span>
  );
}
