/**
 * What a page gets: its parameters, a container, and a scope that ends when the user leaves
 * the page (charts are disposed, event streams closed, requests aborted).
 */

/** Resources of one page visit. */
export class Scope {
  private readonly cleanups: Array<() => void> = [];
  private readonly controller = new AbortController();

  /** Aborted when the page is left: pass it to fetches. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the page was left. */
  get ended(): boolean {
    return this.controller.signal.aborted;
  }

  /** Runs `f` when the page is left. */
  onEnd(f: () => void): void {
    if (this.ended) f();
    else this.cleanups.push(f);
  }

  /** A scope that ends with this one, or earlier (a part of the page redrawn on its own). */
  child(): Scope {
    const c = new Scope();
    this.onEnd(() => c.end());
    return c;
  }

  /** Leaves the page: runs the clean-ups, newest first. */
  end(): void {
    if (this.ended) return;
    this.controller.abort();
    for (const f of this.cleanups.reverse()) {
      try {
        f();
      } catch (e) {
        console.error('wattshift dashboard: a clean-up failed', e);
      }
    }
    this.cleanups.length = 0;
  }
}

/** A page visit. */
export interface PageContext {
  /** Path parameters (`:id`). */
  params: Record<string, string>;
  /** The query part of the hash (`#/compare?a=…&b=…`). */
  query: URLSearchParams;
  /** Where the page draws. */
  main: HTMLElement;
  scope: Scope;
  /** Sets the page's title (the tab and the heading). */
  title(text: string): void;
}

/** A page renderer. */
export type Page = (ctx: PageContext) => Promise<void> | void;

/** A link to a page of the dashboard. */
export function href(path: string, query?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

/** Goes to a page. */
export function go(path: string, query?: Record<string, string | undefined>): void {
  const target = href(path, query);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}
