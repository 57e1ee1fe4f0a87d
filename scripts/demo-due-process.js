#!/usr/bin/env node
// `npm run up` only: once the simulated history has produced listings, the staff steps of due process
// (SPEC §4.4, §4.10) are taken through the staff API as the console would, so that every page has
// something to show. Statuses are only ever set by the product's credit plan.
//
// With a notice period (the default, docs/rules.md), listings are PENDING (拟列入) with their notices:
// - demo history: for the oldest few, the notice is dated back in the database to the day its listing
//   reached the threshold (the one SQL write here, on the notices table only), and its service is
//   recorded through the API as of DEMO_HISTORY_DAYS ago; the period has ended, so the plan makes them
//   LISTED (在册) with effectiveAt at the end of the period, and the gate turns them back;
// - the newest few notices are served now (their period runs) and one of them gets an objection (异议);
//   the others stay issued, not served.
// Then the oldest listings in effect are proposed for publication by the officer and approved by the
// legal reviewer, so that the public page (失信公示) has postings; the other two stay in effect, awaiting
// publication (its deadline runs from the effect). With NOTICE_PERIOD_WORKING_DAYS=0 listings are in
// effect at once and only the publications are made. Decision numbers and texts say 演示 (demo).
// Usage: node scripts/demo-due-process.js <staff-api URL> <officer token> <legal reviewer token> [count]
const { Client } = require('pg');
// The same configuration as the apps (libs/config): DATABASE_URL and the notice period.
const { loadConfig } = require('../dist/libs/config/src');

const [staffUrl, officerToken, legalToken, countArg] = process.argv.slice(2);
/** Listings published by the demo; two more are made effective and left unpublished. */
const PUBLISHED = Number(countArg ?? 3);
const EFFECTIVE = PUBLISHED + 2;
/** Notices served now (their period runs); one of them gets the objection. */
const SERVED_NOW = 3;
/**
 * When the demo history's notices were served: 12 days back leaves 5 working days (and a weekend or a
 * short holiday) behind today, inside the official calendar's known year (docs/calendar.md).
 */
const DEMO_HISTORY_DAYS = 12;
const DAY_MS = 86_400_000;
const DEADLINE_MS = 180_000;
const config = loadConfig();

async function call(method, path, token, body) {
  const res = await fetch(`${staffUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until probe() returns a value, or returns undefined at the deadline. */
async function until(probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) return undefined;
    await sleep(1000);
  }
}

/** Every item of a paged list (GET /v1/listings, /v1/notices), in the API's order. */
async function all(path) {
  const items = [];
  for (let page = 1; ; page += 1) {
    const answer = await call('GET', `${path}&pageSize=500&page=${page}`, officerToken);
    items.push(...answer.items);
    if (items.length >= answer.total || answer.items.length === 0) return items;
  }
}

/** 10:00 Asia/Shanghai, `days` days before now, or of the Friday before when that is a weekend. */
function shanghaiMorning(days) {
  const day = new Date(Date.now() - days * DAY_MS + 8 * 3_600_000);
  while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day.setTime(day.getTime() - DAY_MS);
  return new Date(`${day.toISOString().slice(0, 10)}T10:00:00+08:00`);
}

/** PENDING listings whose notice is issued and not yet served, newest first. */
async function unservedPending() {
  const issued = new Set((await all('/v1/notices?status=ISSUED')).map((n) => n.id));
  return (await all('/v1/listings?status=PENDING')).filter((l) => l.noticeId && issued.has(l.noticeId));
}

/**
 * Demo history: the oldest listings' notices as if issued when the listing reached the threshold and
 * served DEMO_HISTORY_DAYS ago. The notice's issue date is the only thing written by SQL (the column
 * and the printed document's date, demo database only); the service goes through the API and the plan
 * decides the effect.
 */
async function demoHistory(candidates, servedAt) {
  const db = new Client({ connectionString: config.DATABASE_URL });
  await db.connect();
  const effective = [];
  try {
    for (const [i, listing] of candidates.entries()) {
      const issuedAt = new Date(Date.parse(listing.listedAt) + 5 * 60_000).toISOString();
      const dated = await db.query(
        `UPDATE notices SET issued_at = $2, document = jsonb_set(document, '{issuedAt}', to_jsonb($3::text))
          WHERE id = $1 AND status = 'ISSUED'`,
        [listing.noticeId, issuedAt, issuedAt],
      );
      if (dated.rowCount !== 1) continue;
      const notice = await call('POST', `/v1/notices/${listing.noticeId}/service`, officerToken, {
        method: i % 2 === 0 ? 'IN_PERSON' : 'POST',
        servedAt: servedAt.toISOString(),
      });
      // The service's commit or the scheduler's next look (every 5 s) makes it effective.
      const inEffect = await until(async () => {
        const view = await call('GET', `/v1/listings/${listing.id}`, officerToken);
        return view.status === 'LISTED' ? view : undefined;
      }, 30_000);
      if (!inEffect) {
        process.stderr.write(
          `demo: ${listing.plate} still ${notice.listingStatus} (period ends ${notice.periodEndsAt})\n`,
        );
        continue;
      }
      effective.push(inEffect);
    }
  } finally {
    await db.end();
  }
  return effective;
}

/** The newest notices served now (their period runs from tomorrow) and one objection, which holds its listing. */
async function servedNow(pending) {
  const now = pending.slice(0, SERVED_NOW);
  for (const listing of now) {
    await call('POST', `/v1/notices/${listing.noticeId}/service`, officerToken, {
      method: 'IN_PERSON',
      servedAt: new Date().toISOString(),
    });
  }
  if (now[0]) {
    await call('POST', '/v1/objections', officerToken, {
      target: { type: 'LISTING', id: now[0].id },
      grounds: '演示数据：当事人称当日车辆未上高速，申请复核称重记录',
      channel: 'IN_PERSON',
      attachments: [],
    });
  }
  return { served: now.length, objections: now[0] ? 1 : 0 };
}

async function dueProcess() {
  const servedAt = shanghaiMorning(DEMO_HISTORY_DAYS);
  // A notice is issued when its listing reaches the threshold: the history needs listings that did
  // so at least a day before the service.
  const oldEnough = (listing) => Date.parse(listing.listedAt) <= servedAt.getTime() - DAY_MS;
  // Wait for ingest to make listings from the simulated history: enough old ones and recent ones, or
  // (a database of an earlier run, whose old listings the demo used) the history sent past those days.
  const pending =
    (await until(async () => {
      const unserved = await unservedPending();
      const enough = unserved.filter(oldEnough).length >= EFFECTIVE && unserved.length >= EFFECTIVE + SERVED_NOW + 1;
      // Partitions are consumed in no set order: a late listing alone does not mean the history is
      // through; only a database an earlier run already gave listings in effect goes on without enough.
      const pastHistory =
        unserved.some((l) => Date.parse(l.listedAt) > servedAt.getTime() + DAY_MS) &&
        (await call('GET', '/v1/listings?status=LISTED&pageSize=1', officerToken)).total +
          (await call('GET', '/v1/listings?status=PUBLISHED&pageSize=1', officerToken)).total >=
          EFFECTIVE;
      return enough || pastHistory ? unserved : undefined;
    }, DEADLINE_MS)) ?? (await unservedPending());
  const history = pending.filter(oldEnough).reverse().slice(0, EFFECTIVE);
  const effective = await demoHistory(history, servedAt);
  process.stdout.write(
    `demo history: ${effective.length} notice(s) dated back and served on ${servedAt.toISOString().slice(0, 10)}, ` +
      `in effect since the end of the period: ${effective.map((l) => l.plate).join(', ') || 'none'}\n`,
  );
  const rest = pending.filter((l) => !history.includes(l));
  const { served, objections } = await servedNow(rest);
  process.stdout.write(
    `demo: ${rest.length} pending listing(s), ${served} notice(s) served now, ${objections} objection recorded\n`,
  );
}

async function publish() {
  const listings = (await call('GET', `/v1/listings?status=LISTED&proposed=false&pageSize=${PUBLISHED}`, officerToken))
    .items;
  // Decision numbers go on from the publications of earlier runs on the same database.
  const before = (await call('GET', '/v1/listings?status=PUBLISHED&pageSize=1', officerToken)).total;
  const year = new Date().getFullYear();
  for (const [i, listing] of listings.entries()) {
    await call('POST', `/v1/listings/${listing.id}/publication-proposal`, officerToken, {
      decisionNo: `湖交超决〔${year}〕演示${String(before + i + 1).padStart(3, '0')}号`,
      legalBasis:
        '《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）第四十三条；《湖州市高速公路超限超载"违法失信清单"管理办法（暂行）》',
    });
    await call('POST', `/v1/listings/${listing.id}/publication-review`, legalToken, {
      approve: true,
      opinion: '演示数据：事实清楚，依据充分，同意公示',
    });
  }
  process.stdout.write(
    `demo: ${listings.length} listing(s) proposed by officer-a and approved by legal-b: ${listings.map((l) => l.plate).join(', ') || 'none yet'}\n`,
  );
}

async function main() {
  if (config.NOTICE_PERIOD_WORKING_DAYS > 0) {
    await dueProcess();
  } else {
    // Listings are in effect at once: wait for enough of them.
    await until(
      async () => (await call('GET', '/v1/listings?status=LISTED&pageSize=1', officerToken)).total >= PUBLISHED,
      DEADLINE_MS,
    );
  }
  await publish();
}

main().catch((error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  process.exit(1);
});
