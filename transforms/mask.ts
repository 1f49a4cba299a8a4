// Masks the personal data that free text carries (China's PIPL): phone numbers, the names behind
// 签收人/快递员-style labels and couriers' "王师傅", an individual's name as an invoice title. Pure functions;
// what they cannot recognise (a bare name in prose) is why memos and contacts are never loaded at all.

/** What a masked piece of text becomes. */
export const MASK = '***';

// Digits on either side would make a match part of a longer number (an order id, a waybill, a time).
const PHONES: readonly RegExp[] = [
  // Partly masked forms first: 139****1234, 0571-****6666.
  /(?<![0-9])1[3-9][0-9][*＊xX]{4}[0-9]{4}(?![0-9])/g,
  /(?<![0-9])0[0-9]{2,3}[-－]?[*＊]{3,4}[0-9]{3,4}(?![0-9])/g,
  // Mobiles, with a country code or written in groups: 13912345678, +86 139 1234 5678, 139-1234-5678.
  /(?<![0-9])(?:\+?86[-\s]?)?1[3-9][0-9](?:[-\s]?[0-9]{4}){2}(?![0-9])/g,
  // Landlines with an area code: 0571-88886666, (0571)88886666, 021 12345678, with an extension.
  /(?<![0-9])[(（]?0[0-9]{2,3}[)）]?[-－\s]?[0-9]{7,8}(?:-[0-9]{1,5})?(?![0-9])/g,
];

/** Phone numbers (mobiles, landlines, partly masked forms) replaced by ***. */
export function maskPhones(text: string): string {
  let out = text;
  for (const re of PHONES) out = out.replace(re, MASK);
  return out;
}

// A label naming a person, its separator, then the name up to the next delimiter.
const LABELLED = /(签收人|收件人|收货人|揽收员|揽件员|取件员|快递员|派件员|派送员|投递员|配送员|联系人|业务员)(\s*[:：]\s*|是|为)([^\s，,。；;、！!？?（）()【】[\]<>《》"'“”：:]{1,20})/g;
// One CJK character (a surname) before an honorific, not inside a longer word ("快递师傅" stays).
const HONORIFIC = /(?<![\u3400-\u9fff])[\u3400-\u9fff](师傅|先生|女士|小姐)/g;

/** Names behind person labels (签收人：王伟 → 签收人：*) and surname honorifics (王师傅 → *师傅). */
export function maskPeople(text: string): string {
  return text.replace(LABELLED, (_m, label: string, sep: string) => `${label}${sep}*`).replace(HONORIFIC, (_m, title: string) => `*${title}`);
}

/** A tracking step's remark as the warehouse keeps it: phones, signers' and couriers' names masked. */
export function maskRemark(text: string): string {
  return maskPeople(maskPhones(text));
}

// Words that make a title an organisation's (company, shop, school, office, …), not a person's name.
const ORGANISATION = /公司|集团|企业|工厂|厂|商行|商店|店|经营部|门市|中心|研究|学校|学院|大学|医院|银行|协会|商会|委员会|政府|局|处|部|院|所|社|馆|站|场|合作|有限|股份|个体|工作室|超市|酒店|宾馆|\b(?:ltd|inc|co|corp|llc|gmbh|company|limited)\b/i;

/**
 * An invoice title that names a person: a plain invoice to an individual carries the buyer's name and no
 * taxpayer id. A title with a taxpayer id, or with an organisation word in it, is an organisation's;
 * "个人" (the word "individual") names nobody.
 */
export function isPersonalTitle(title: string, taxpayerId: string | null): boolean {
  if (taxpayerId !== null) return false;
  const t = title.trim();
  if (t === '' || /^个人[（(]?个人?[）)]?$/.test(t) || t === '个人') return false;
  return !ORGANISATION.test(t);
}

// JSON members whose values are personal (contacts, addresses, recipients, memos, ids of people).
const PERSONAL_MEMBER = /"(toFullName|toMobile|toPhone|toPost|toArea|toAddress|fromPhone|fromMobile|fromAddress|contactPerson|name|mobile|phone|telephone|fax|email|imInPlatform|address|zip|buyerMemo|sellerMemo|remark|buyerFeedback|closeRemark|buyerID|buyerMemberId|buyerLoginId|buyerUserId|buyerAlipayId|buyerOpenUid|subBuyerLoginId|operatorLoginId|receive[A-Za-z]*|register[A-Za-z]*|bank[A-Za-z]*|sender[A-Za-z]*|receiver[A-Za-z]*|wgSender[A-Za-z]*)"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*)/g;

/**
 * A sample of a rejected source value (etl_reject.sample): the start of a blob or a column, with personal
 * members, memberIds and phone numbers masked, so that debugging a reject never copies a person's data.
 */
export function maskSample(text: string): string {
  return maskPhones(text.replace(PERSONAL_MEMBER, (_m, key: string, sep: string) => `"${key}"${sep}"${MASK}"`)).replace(/b2b-[0-9A-Za-z]+/g, `b2b-${MASK}`);
}
