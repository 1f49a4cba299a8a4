// The store's parties: the seller and its few hundred buyers, with the personal data real blobs carry
// (names, phones, addresses, taxpayer ids, bank accounts). Each is a pure function of (seed, index).
import { Stream, streamRng, type Rng } from './random.js';
import { BANKS, BUILDINGS, CITIES, COMPANY_FORMS, COMPANY_NAMES, COMPANY_REGIONS, COMPANY_TRADES, GIVEN, STREETS, SURNAMES, TITLES, type City } from './vocabulary.js';

export interface Party {
  memberId: string;
  loginId: string;
  name: string;
  mobile: string;
  phone: string;
  company: string;
  taxId: string;
  city: City;
  district: readonly [string, string];
  address: string;
  email: string;
  bank: string;
  bankAccount: string;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A unified social credit code (统一社会信用代码, taxpayer id): 91 + area code + org code + GB 32100 check char. */
export function taxpayerId(rng: Rng, areaCode: string): string {
  let body = `91${areaCode}`;
  for (let i = 0; i < 9; i++) body += USCC_CHARS[rng.int(0, i < 2 ? 9 : 30)];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body[i]!) * USCC_WEIGHTS[i]!;
  return body + USCC_CHARS[(31 - (sum % 31)) % 31];
}

export const personName = (rng: Rng): string => rng.pick(SURNAMES) + (rng.chance(0.5) ? rng.pick(TITLES) : rng.pick(GIVEN));
export const mobile = (rng: Rng): string => `1${rng.pick(['3', '5', '8', '7', '9'])}${rng.digits(9)}`;

function party(rng: Rng, memberId: string, city: City): Party {
  const district = rng.pick(city.districts);
  const company = `${rng.pick(COMPANY_REGIONS)}${rng.pick(COMPANY_NAMES)}${rng.pick(COMPANY_TRADES)}${rng.pick(COMPANY_FORMS)}`;
  const building = rng.pick(BUILDINGS);
  return {
    memberId,
    loginId: `${company.slice(0, 4)}${rng.pick(['商行', '贸易', '工厂', '旗舰店', ''])}${rng.int(1, 99)}`,
    name: personName(rng),
    mobile: mobile(rng),
    phone: `0${rng.int(10, 999)}-${rng.digits(8)}`,
    company,
    taxId: taxpayerId(rng, district[1]),
    city,
    district,
    address: `${rng.pick(STREETS)}${rng.int(1, 999)}号${building ? `${building}${rng.int(1, 30)}楼` : ''}`,
    email: `${rng.hex(6)}@${rng.pick(['163.com', 'qq.com', '126.com', 'aliyun.com'])}`,
    bank: `${rng.pick(BANKS)}${district[0].replace(/[区市镇]$/, '')}支行`,
    bankAccount: rng.digits(19),
  };
}

export function seller(seed: number): Party {
  const rng = streamRng(seed, Stream.Seller, 0);
  return party(rng, `b2b-2208${rng.digits(6)}${rng.hex(4)}`, CITIES[3]!);
}

/** A few hundred buyers; a few big ones order most (picked Zipf-like by index). */
export const BUYER_COUNT = 300;

export function buyers(seed: number): Party[] {
  return Array.from({ length: BUYER_COUNT }, (_, i) => {
    const rng = streamRng(seed, Stream.Buyer, i);
    return party(rng, `b2b-22${rng.digits(10)}${rng.hex(4)}`, rng.pick(CITIES));
  });
}
