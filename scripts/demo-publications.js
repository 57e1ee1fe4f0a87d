#!/usr/bin/env node
// `npm run up` only: once the simulated history has produced listings, the staff steps are taken through
// the staff API as the console would. With a notice period (the default, docs/rules.md) listings are
// PENDING: the oldest notices are recorded as served (the period runs from now) and one gets an
// objection, so the notices and objections pages have something to show. Listings already in effect
// (NOTICE_PERIOD_WORKING_DAYS=0) are proposed for publication and approved, so that the public page
// (失信公示) has postings. Decision numbers say 演示 (demo).
// Usage: node scripts/demo-publications.js <staff-api URL> <officer token> <legal reviewer token> [count]
const [staffUrl, officerToken, legalToken, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 3);
const DEADLINE_MS = 180_000;

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

/** PENDING listings: serve the oldest notices now, and record one objection (the period then holds). */
async function dueProcess() {
  const pending = (await call('GET', `/v1/listings?status=PENDING&pageSize=${count + 1}`, officerToken)).items;
  let served = 0;
  for (const listing of pending) {
    if (!listing.noticeId) continue;
    await call('POST', `/v1/notices/${listing.noticeId}/service`, officerToken, {
      method: 'IN_PERSON',
      servedAt: new Date().toISOString(),
    });
    served += 1;
  }
  if (pending[0]) {
    await call('POST', '/v1/objections', officerToken, {
      target: { type: 'LISTING', id: pending[0].id },
      grounds: '演示数据：当事人称当日车辆未上高速，申请复核称重记录',
      channel: 'IN_PERSON',
      attachments: [],
    });
  }
  process.stdout.write(
    `demo: ${pending.length} pending listing(s), ${served} notice(s) served now, ${pending[0] ? 1 : 0} objection recorded\n`,
  );
}

async function main() {
  const started = Date.now();
  let listings = [];
  // Wait for ingest to make listings from the simulated history (pending or in effect).
  while (Date.now() - started < DEADLINE_MS) {
    const any = (await call('GET', `/v1/listings?pageSize=1`, officerToken)).total;
    if (any >= count) break;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  await dueProcess();
  listings = (await call('GET', `/v1/listings?status=LISTED&proposed=false&pageSize=${count}`, officerToken)).items;
  const year = new Date().getFullYear();
  let published = 0;
  for (const [i, listing] of listings.entries()) {
    await call('POST', `/v1/listings/${listing.id}/publication-proposal`, officerToken, {
      decisionNo: `湖交超决〔${year}〕演示${String(i + 1).padStart(3, '0')}号`,
      legalBasis:
        '《超限运输车辆行驶公路管理规定》（交通运输部令2016年第62号）第四十三条；《湖州市高速公路超限超载"违法失信清单"管理办法（暂行）》',
    });
    await call('POST', `/v1/listings/${listing.id}/publication-review`, legalToken, {
      approve: true,
      opinion: '演示数据：事实清楚，依据充分，同意公示',
    });
    published += 1;
  }
  process.stdout.write(
    `demo: ${published} listing(s) proposed by officer-a and approved by legal-b: ${listings.map((l) => l.plate).join(', ') || 'none yet'}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`demo publications failed: ${error.message}\n`);
  process.exit(1);
});
