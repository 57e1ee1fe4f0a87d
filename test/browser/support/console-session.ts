import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runCli } from '../../harness/cli';
import type { Scenario } from '../../harness/scenario';
import { OFFICE_PC, openPage, PHONE } from './chromium';

export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response JSON, read loosely
  body: any;
}

/** A staff token from the CLI (`token:issue`), as an administrator issues one. */
export async function issueStaffToken(
  s: Scenario,
  secret: string,
  sub: string,
  roles: string,
  name?: string,
): Promise<string> {
  const r = await runCli(
    ['token:issue', '--sub', sub, '--roles', roles, ...(name ? ['--name', name] : [])],
    s.env({ STAFF_JWT_SECRET: secret }),
  );
  if (r.code !== 0) throw new Error(`token:issue exited with ${r.code}: ${r.stderr}`);
  return r.stdout.trim();
}

/** One call of the staff API with a bearer token (or none); the answer's status and JSON body. */
export async function staffApi(
  staffUrl: string,
  method: 'GET' | 'POST',
  urlPath: string,
  bearer: string | null,
  body?: unknown,
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${staffUrl}${urlPath}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** Answers the open confirmation dialog (确认 by default) and returns its text. */
export async function confirmDialog(page: Page, answer: '确认' | '取消' = '确认'): Promise<string> {
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  const text = await dialog.innerText();
  if (answer === '确认') await dialog.getByTestId('confirm').click();
  else await dialog.getByRole('button', { name: '取消' }).click();
  await dialog.waitFor({ state: 'detached' });
  return text;
}

/** One step of a listing's timeline (docs/console.md): its state and its text. */
export async function timelineStep(page: Page, key: string): Promise<{ state: string | null; text: string }> {
  const item = page.getByTestId('timeline').locator(`li[data-step="${key}"]`);
  return { state: await item.getAttribute('data-state'), text: await item.innerText() };
}

/** The actions of the page's audit table, in its order. */
export function auditTrailActions(page: Page): Promise<(string | null)[]> {
  return page
    .getByTestId('audit-trail')
    .locator('tbody tr[data-action]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action')));
}

/** The browser contexts of one test file against the console, and the errors its pages threw. */
export class ConsoleSession {
  /** Uncaught page errors since the last check: each test expects none. */
  readonly pageErrors: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly staffUrl: string,
  ) {}

  async newPage(options: typeof OFFICE_PC | typeof PHONE = OFFICE_PC): Promise<Page> {
    const context = await this.browser.newContext(options);
    this.contexts.push(context);
    return openPage(context, this.pageErrors);
  }

  /** Signs in on the console's page with a pasted token, as staff do. */
  async signIn(bearer: string): Promise<Page> {
    const page = await this.newPage();
    await page.goto(`${this.staffUrl}/console/`);
    await page.locator('textarea[name=token]').fill(bearer);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByTestId('who').waitFor();
    return page;
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    await this.browser.close();
  }
}
