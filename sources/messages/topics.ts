// The three Cloud Hub topics and their tags (source-shapes §2.1), and what each tag asks hub-etl to
// refresh. Plain data shared by the parser, the transports, the generator's emulation and the docs.

export const TOPICS = {
  product: 'ali1688_product_topic',
  order: 'ali1688_order_topic',
  /** Singular "logistic", as the Guide prints it. */
  logistics: 'ali1688_logistic_topic',
} as const;

export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

export const TOPIC_NAMES: readonly Topic[] = [TOPICS.product, TOPICS.order, TOPICS.logistics];

/**
 * What a message makes hub-etl refresh:
 * - order: the order, its lines, payment terms and invoice
 * - refund: the same and the order's refunds
 * - logistics: the order's shipments and their tracking events
 * - product: the product with its SKUs and price tiers
 */
export type Scope = 'order' | 'refund' | 'logistics' | 'product';

/** The tags of the Guide by topic; the logistics status change has no name (an empty tag). */
export const TAGS: Readonly<Record<Topic, readonly string[]>> = {
  [TOPICS.product]: ['PRODUCT_PRODUCT_NEW_OR_MODIFY', 'PRODUCT_PRODUCT_REPOST', 'PRODUCT_PRODUCT_EXPIRE', 'PRODUCT_PRODUCT_DELETE'],
  [TOPICS.order]: [
    'ORDER_BUYER_MAKE', 'ORDER_ORDER_PRICE_MODIFY', 'ORDER_ORDER_BUYER_REFUND_IN_SALES', 'ORDER_ORDER_REFUND_AFTER_SALES',
    'ORDER_ORDER_COMFIRM_RECEIVEGOODS', 'ORDER_ORDER_SUCCESS',
  ],
  [TOPICS.logistics]: ['', 'LOGISTICS_MAIL_NO_CHANGE'],
};

/** Under these tags `currentStatus` is a refund status and the message names a refund. */
export const REFUND_TAGS: ReadonlySet<string> = new Set(['ORDER_ORDER_BUYER_REFUND_IN_SALES', 'ORDER_ORDER_REFUND_AFTER_SALES']);

/** Product tags (and payload statuses) that say the product went away; the refresh marks it when the source no longer has it. */
export const PRODUCT_GONE: Readonly<Record<string, 'deleted' | 'expired'>> = {
  PRODUCT_PRODUCT_DELETE: 'deleted',
  PRODUCT_DELETE: 'deleted',
  PRODUCT_PRODUCT_EXPIRE: 'expired',
  PRODUCT_EXPIRE: 'expired',
};

/**
 * The topic a tag belongs to, by its prefix: tags the Guide does not list (the platform adds some over
 * time, such as go1688's LOGISTICS_BUYER_VIEW_TRACE) still name their topic, and a message is only a
 * hint to re-read an entity, so they are refreshed like the listed ones.
 */
export function topicOfTag(tag: string): Topic | null {
  if (tag.startsWith('ORDER_')) return TOPICS.order;
  if (tag.startsWith('PRODUCT_')) return TOPICS.product;
  if (tag.startsWith('LOGISTICS_')) return TOPICS.logistics;
  return null;
}

export function isTopic(name: string): name is Topic {
  return (TOPIC_NAMES as readonly string[]).includes(name);
}
