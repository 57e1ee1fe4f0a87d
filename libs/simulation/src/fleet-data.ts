/**
 * Data for the simulated vehicle registry: where a plate is issued (车籍地), names and the regions
 * people come from. Fake but well-formed: every division code is six digits of a real city or county.
 */

export interface PlateRegion {
  /** The city as a company name starts with it, e.g. 湖州. */
  city: string;
  /** The one-character city abbreviation of a 道路运输证号, e.g. 湖 in 浙交运管湖字. */
  short: string;
  /** County-level division codes a vehicle of this plate prefix is registered in (registrationRegion). */
  divisions: readonly string[];
}

/** By plate prefix (province abbreviation + issuing-authority letter, GA 36). */
export const PLATE_REGIONS: Readonly<Record<string, PlateRegion>> = {
  浙A: { city: '杭州', short: '杭', divisions: ['330105', '330106', '330109', '330110'] },
  浙B: { city: '宁波', short: '甬', divisions: ['330203', '330206', '330212'] },
  浙C: { city: '温州', short: '温', divisions: ['330302', '330381'] },
  浙D: { city: '绍兴', short: '绍', divisions: ['330602', '330603'] },
  浙E: { city: '湖州', short: '湖', divisions: ['330502', '330503', '330521', '330522', '330523'] },
  浙F: { city: '嘉兴', short: '嘉', divisions: ['330402', '330411', '330421', '330481', '330483'] },
  浙G: { city: '金华', short: '金', divisions: ['330702', '330782'] },
  浙H: { city: '衢州', short: '衢', divisions: ['330802'] },
  苏A: { city: '南京', short: '宁', divisions: ['320106', '320115'] },
  苏B: { city: '无锡', short: '锡', divisions: ['320213', '320282'] },
  苏C: { city: '徐州', short: '徐', divisions: ['320302'] },
  苏D: { city: '常州', short: '常', divisions: ['320412', '320413'] },
  苏E: { city: '苏州', short: '苏', divisions: ['320506', '320507', '320509', '320583'] },
  苏F: { city: '南通', short: '通', divisions: ['320612'] },
  苏G: { city: '连云港', short: '连', divisions: ['320703'] },
  苏H: { city: '淮安', short: '淮', divisions: ['320803'] },
  皖A: { city: '合肥', short: '合', divisions: ['340104'] },
  皖B: { city: '芜湖', short: '芜', divisions: ['340202'] },
  皖C: { city: '蚌埠', short: '蚌', divisions: ['340302'] },
  皖D: { city: '淮南', short: '淮', divisions: ['340403'] },
  皖E: { city: '马鞍山', short: '马', divisions: ['340503'] },
  皖F: { city: '淮北', short: '北', divisions: ['340602'] },
  皖G: { city: '铜陵', short: '铜', divisions: ['340705'] },
  皖H: { city: '安庆', short: '庆', divisions: ['340802'] },
  沪A: { city: '上海', short: '沪', divisions: ['310112', '310114', '310115', '310117', '310118'] },
  赣A: { city: '南昌', short: '洪', divisions: ['360102'] },
  赣B: { city: '赣州', short: '赣', divisions: ['360702'] },
  赣C: { city: '宜春', short: '宜', divisions: ['360902'] },
  赣D: { city: '吉安', short: '吉', divisions: ['360802'] },
  赣E: { city: '上饶', short: '饶', divisions: ['361102'] },
  赣F: { city: '抚州', short: '抚', divisions: ['361002'] },
  赣G: { city: '九江', short: '浔', divisions: ['360402'] },
  赣H: { city: '景德镇', short: '景', divisions: ['360202'] },
  闽A: { city: '福州', short: '榕', divisions: ['350102'] },
  闽B: { city: '莆田', short: '莆', divisions: ['350302'] },
  闽C: { city: '泉州', short: '泉', divisions: ['350502'] },
  闽D: { city: '厦门', short: '厦', divisions: ['350203'] },
  闽E: { city: '漳州', short: '漳', divisions: ['350602'] },
  闽F: { city: '龙岩', short: '岩', divisions: ['350802'] },
  闽G: { city: '三明', short: '明', divisions: ['350400'] },
  闽H: { city: '南平', short: '平', divisions: ['350702'] },
};

/** Shanghai issues 沪A–沪H alike; every other prefix is its own city. */
export function plateRegion(plate: string): PlateRegion {
  const prefix = plate.slice(0, 2);
  return PLATE_REGIONS[prefix.startsWith('沪') ? '沪A' : prefix] ?? PLATE_REGIONS['浙E']!;
}

/** Huzhou's counties name their companies after themselves (长兴…, not 湖州…). */
export const COUNTY_CITY: Readonly<Record<string, string>> = {
  '330521': '德清',
  '330522': '长兴',
  '330523': '安吉',
};

/** Where owners were born (身份证号 address code): Huzhou and its neighbours. */
export const BIRTH_REGIONS: readonly string[] = [
  '330502', // 湖州 吴兴区
  '330503', // 湖州 南浔区
  '330521', // 德清县
  '330522', // 长兴县
  '330523', // 安吉县
  '330110', // 杭州 余杭区
  '330402', // 嘉兴 南湖区
  '330421', // 嘉善县
  '320509', // 苏州 吴江区
  '320282', // 宜兴市
  '341802', // 宣城 宣州区
  '341821', // 郎溪县
  '341882', // 广德市
];

/** 百家姓, the most frequent first (they are drawn with a bias to the front). */
export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';

export const GIVEN_MALE =
  '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国峰志海文东新庆荣春忠兵晓金德永成良';
export const GIVEN_FEMALE = '芳娜敏静丽艳娟霞秀玲燕萍红英华梅琳婷雪慧洁颖倩佳月兰凤琴';

/** 字号 characters of transport companies. */
export const COMPANY_WORDS = '鑫顺通达恒盛汇远安捷宏隆丰润诚信华泰祥运吉瑞兴成昌永茂金联宇航路畅邦裕源和聚众德广';
export const COMPANY_TRADES = ['物流', '运输', '货运', '汽车运输', '物流运输', '供应链管理'] as const;
