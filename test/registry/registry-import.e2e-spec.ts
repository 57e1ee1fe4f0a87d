import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../harness/cli';
import { Scenario } from '../harness/scenario';
import { companyIdNo, personIdNo } from './support/registry-kafka';

const HEADER =
  'plate,plateColor,ownerName,ownerType,ownerIdNo,ownerPhone,operatorId,transportCertNo,certIssuedAt,registrationRegion';
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
/** The file line of the one bad row (line 1 is the header). */
const BAD_LINE = 4711;

/** 10,000 registrations, a third of them company trucks with a transport certificate, one bad 身份证号. */
function vehiclesCsv(): string {
  const lines = [HEADER];
  for (let i = 0; i < 10_000; i++) {
    const plate = `浙${LETTERS[i % LETTERS.length]}${String(10_000 + Math.floor(i / LETTERS.length)).slice(1)}Q`;
    if (i % 3 === 0) {
      const company = companyIdNo(i % 40);
      lines.push(
        `${plate},YELLOW,"湖州第${i % 40}运输有限公司",COMPANY,${company},,${company},330500${String(i).padStart(6, '0')},2024-03-01T00:00:00+08:00,330500`,
      );
    } else {
      let idNo = personIdNo(i);
      if (lines.length + 1 === BAD_LINE) idNo = idNo.slice(0, 17) + (idNo[17] === '1' ? '2' : '1');
      lines.push(`${plate},1,车主${i},PERSON,${idNo},0572-${String(1_000_000 + i).slice(1)},,,,330502`);
    }
  }
  if (!lines[BAD_LINE - 1]!.includes(',PERSON,')) throw new Error(`line ${BAD_LINE} must be a person's row`);
  return `${lines.join('\r\n')}\r\n`;
}

describe('registry:import: a CSV registry, refused rows reported by line, idempotent (built CLI, real Postgres)', () => {
  let s: Scenario;
  let dir: string;
  beforeAll(async () => {
    s = await Scenario.create('registry-import');
    dir = await mkdtemp(path.join(tmpdir(), 'oc-registry-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await s.close();
  });

  it('stores 9,999 of 10,000 vehicles, names the bad line, exits 2; the same file again changes nothing', async () => {
    const file = path.join(dir, 'vehicles.csv');
    const reportFile = path.join(dir, 'refused.csv');
    await writeFile(file, vehiclesCsv());

    const first = await runCli(['registry:import', 'vehicles', file, '--report', reportFile], s.env());
    expect({ code: first.code, stderr: first.stderr }).toMatchObject({ code: 2 });
    expect(first.stdout).toContain(`${file}: 10000 rows; 9999 created, 0 updated, 0 unchanged, 1 refused`);
    expect(first.stdout).toContain(
      `line ${BAD_LINE}, ownerIdNo: ownerIdNo must be an 18-character 公民身份号码 with a valid check character`,
    );
    // Not a terminal: a progress line every 10,000 rows of each pass, and the total at the end.
    expect(first.stderr).toMatch(/registry:import vehicles reading .*: 10000 rows\n/);
    expect(first.stderr).toMatch(/registry:import vehicles \[#+\] 10000\/10000 \(100%\), 1 refused\n/);
    expect(await readFile(reportFile, 'utf8')).toBe(
      'line,code,field,message\r\n' +
        `${BAD_LINE},SCHEMA_INVALID,ownerIdNo,ownerIdNo must be an 18-character 公民身份号码 with a valid check character\r\n`,
    );

    const counts = async () =>
      (
        await s.query<{ vehicles: number; history: number; audit: number; companies: number }>(
          `SELECT (SELECT count(*)::int FROM registry_vehicles) AS vehicles,
                  (SELECT count(*)::int FROM registry_history) AS history,
                  (SELECT count(*)::int FROM audit_log) AS audit,
                  (SELECT count(*)::int FROM registry_vehicles WHERE operator_id IS NOT NULL) AS companies`,
        )
      )[0];
    expect(await counts()).toEqual({ vehicles: 9999, history: 9999, audit: 0, companies: 3334 });
    const badPlate = (await readFile(file, 'utf8')).split('\r\n')[BAD_LINE - 1]!.split(',')[0]!;
    expect(await s.query(`SELECT 1 FROM registry_vehicles WHERE plate = $1`, [badPlate])).toEqual([]);
    const [company] = await s.query(`SELECT * FROM registry_vehicles WHERE plate = '浙A0000Q'`);
    expect(company).toMatchObject({
      plate_color: 1,
      owner_name: '湖州第0运输有限公司',
      owner_type: 'COMPANY',
      owner_id_no: companyIdNo(0),
      operator_id: companyIdNo(0),
      transport_cert_no: '330500000000',
      cert_issued_at: new Date('2024-02-29T16:00:00Z'),
      registration_region: '330500',
    });

    const second = await runCli(['registry:import', 'vehicles', file], s.env());
    expect(second.code).toBe(2);
    expect(second.stdout).toContain(`${file}: 10000 rows; 0 created, 0 updated, 9999 unchanged, 1 refused`);
    expect(await counts()).toEqual({ vehicles: 9999, history: 9999, audit: 0, companies: 3334 });
  });

  it('refuses a file of another registry before importing anything, exit 1', async () => {
    const file = path.join(dir, 'stations-as-vehicles.csv');
    await writeFile(file, 'stationId,name,divisionCode,kind\n330500009,湖州西,330500,TOLL_ENTRY\n');
    const result = await runCli(['registry:import', 'vehicles', file], s.env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error: not a vehicles registry file: unknown column "stationId" (column 1)');
    expect(await s.query(`SELECT 1 FROM stations WHERE station_id = '330500009'`)).toEqual([]);
  });

  it('imports stations and exits 0 when every row is in; station:add registers a station the registry lacks', async () => {
    const file = path.join(dir, 'stations.csv');
    await writeFile(
      file,
      'stationId,name,divisionCode,kind,activeFrom,activeTo\n' +
        '330522101,长兴收费站,330522,TOLL_ENTRY,2026-01-01T00:00:00+08:00,\n' +
        '330523101,"安吉治超站 ""东""",330523,WEIGH_STATION,,2027-12-31T23:59:59+08:00\n',
    );
    const imported = await runCli(['registry:import', 'stations', file], s.env());
    expect({ code: imported.code, stdout: imported.stdout }).toEqual({
      code: 0,
      stdout: `${file}: 2 rows; 2 created, 0 updated, 0 unchanged, 0 refused, 0 superseded by a later row of the same key\n`,
    });
    expect(
      await s.query(
        `SELECT station_id, name, kind, active_from, active_to FROM stations WHERE station_id LIKE '33052_101'`,
      ),
    ).toEqual([
      {
        station_id: '330522101',
        name: '长兴收费站',
        kind: 'TOLL_ENTRY',
        active_from: new Date('2025-12-31T16:00:00Z'),
        active_to: null,
      },
      {
        station_id: '330523101',
        name: '安吉治超站 "东"',
        kind: 'WEIGH_STATION',
        active_from: null,
        active_to: new Date('2027-12-31T15:59:59Z'),
      },
    ]);

    const added = await runCli(['station:add', '330521777', '--name', '德清东'], s.env());
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^ocst_\S+\n$/);
    expect(added.stderr).toContain('station 330521777: registered (division 330521, no activity bounds)');
    expect(
      await s.query(`SELECT name, division_code, kind, active_from, active_to, key_hash IS NOT NULL AS keyed
                     FROM stations WHERE station_id = '330521777'`),
    ).toEqual([
      { name: '德清东', division_code: '330521', kind: null, active_from: null, active_to: null, keyed: true },
    ]);
    expect(
      await s.query(
        `SELECT source, record->>'divisionCode' AS division FROM registry_history WHERE record_key = '330521777'`,
      ),
    ).toEqual([{ source: 'cli', division: '330521' }]);

    // A registered station keeps its registry name; the key is issued again (rotated).
    const again = await runCli(['station:add', '330522101', '--name', '别的名字'], s.env());
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('station 330522101: already registered; --name is ignored');
    expect(await s.query(`SELECT name FROM stations WHERE station_id = '330522101'`)).toEqual([{ name: '长兴收费站' }]);
    expect((await runCli(['station:revoke', '330522101'], s.env())).code).toBe(0);
    const revokedAgain = await runCli(['station:revoke', '330522101'], s.env());
    expect(revokedAgain.code).toBe(1);
    expect(revokedAgain.stderr).toContain('station 330522101 has no active key');
  });
});
