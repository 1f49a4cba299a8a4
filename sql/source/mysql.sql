-- The eight 1688 Cloud Hub replica tables, MySQL/MariaDB flavour.
-- Input: none. Output: empty ali1688_* tables, as printed in the Cloud Hub Developer's Guide
-- (see ../shared/docs/source-shapes.md section 1), plus an index on every modify-time column and on the order
-- column of the tables targeted refreshes look up by order (refunds, logistics orders and routes), and the
-- synthetic store's hub_etl_api_object (what only the API serves; see its comment below).
-- Grain: one row per category / product / order / order line / refund / invoice / logistics order / route.
-- For demos, tests and benchmarks only: in production the replica already has these tables and
-- hub-etl never writes to them. {{refund_order_col}} and {{invoice_order_col}} are the printed
-- spellings (order_ld, order_Id) unless the generator is asked for order_id.

create table if not exists ali1688_category (
  id bigint not null,
  create_datetime varchar(64) not null,
  modify_datetime varchar(64) not null,
  category_id bigint not null,
  category_name varchar(256) not null,
  is_leaf char(1) not null,
  attributes text not null,
  category_level tinyint not null,
  category1_id bigint null,
  category2_id bigint null,
  category3_id bigint null,
  category1_name varchar(256) null,
  category2_name varchar(256) null,
  category3_name varchar(256) null,
  user_category_id varchar(256) null,
  user_category_name varchar(256) null,
  primary key (id),
  key idx_category_modify (modify_datetime)
) engine = InnoDB default charset = utf8mb4;

create table if not exists ali1688_product (
  id bigint not null,
  product_id bigint not null,
  quality_level bigint null,
  subject varchar(128) not null,
  category_id bigint not null,
  category_name varchar(256) not null,
  product_cargo_number varchar(128) null,
  sku_cargo_numbers varchar(4096) null,
  status varchar(64) not null,
  create_time datetime not null,
  last_update_time datetime not null,
  last_repost_time datetime null,
  approved_time datetime null,
  expire_time datetime null,
  product_datas text null,
  primary key (id),
  key idx_product_modify (last_update_time),
  key idx_product_product_id (product_id)
) engine = InnoDB default charset = utf8mb4;

create table if not exists ali1688_order (
  id bigint not null,
  order_id varchar(64) not null,
  outter_id varchar(128) null,
  create_time datetime not null,
  modify_time datetime not null,
  pay_time datetime null,
  all_delivered_time datetime null,
  complete_time datetime null,
  status varchar(64) not null,
  seller_member_id varchar(128) not null,
  buyer_member_id varchar(128) not null,
  sum_product_payment varchar(32) null,
  alipay_trade_id varchar(128) null,
  order_datas text not null,
  primary key (id),
  key idx_order_modify (modify_time),
  key idx_order_order_id (order_id)
) engine = InnoDB default charset = utf8mb4;

create table if not exists ali1688_order_line (
  id bigint not null,
  sub_item_id bigint not null,
  order_id bigint not null,
  status varchar(32) not null,
  quantity bigint not null,
  unit varchar(32) null,
  product_id bigint not null,
  product_cargo_number varchar(128) null,
  cargo_number varchar(128) null,
  sku_id bigint null,
  refund_id varchar(256) null,
  refund_id_for_as varchar(256) null,
  refund decimal(10,3) null,
  order_line_data text not null,
  primary key (id),
  key idx_order_line_order (order_id)
) engine = InnoDB default charset = utf8mb4;

create table if not exists ali1688_order_refund (
  id bigint not null,
  refund_id varchar(256) not null,
  status varchar(32) not null,
  gmt_create datetime not null,
  gmt_modified datetime not null,
  gmt_apply datetime null,
  gmt_completed datetime null,
  {{refund_order_col}} bigint not null,
  buyer_member_id varchar(128) not null,
  refund_payment bigint null,
  order_refund_data text null,
  primary key (id),
  key idx_order_refund_modify (gmt_modified),
  key idx_order_refund_order ({{refund_order_col}})
) engine = InnoDB default charset = utf8mb4;

create table if not exists ali1688_invoice (
  id bigint not null,
  {{invoice_order_col}} bigint not null,
  invoice_type int not null,
  local_invoice_id bigint not null,
  invoice_data text not null,
  primary key (id),
  key idx_invoice_order ({{invoice_order_col}})
) engine = InnoDB default charset = utf8mb4;

create table if not exists ali1688_logistics_order (
  id bigint not null,
  logistic_id varchar(64) not null,
  logistics_bill_no varchar(128) not null,
  order_id varchar(64) not null,
  gmt_create date not null,
  gmt_modified date not null,
  logistic_order_datas text not null,
  primary key (id),
  key idx_logistics_order_modify (gmt_modified),
  key idx_logistics_order_order (order_id)
) engine = InnoDB default charset = utf8mb4;

create table if not exists ali1688_logistics_route (
  id bigint not null,
  logistic_id varchar(64) not null,
  logistics_bill_no varchar(128) not null,
  order_id varchar(64) not null,
  gmt_create date not null,
  gmt_modified date not null,
  logistic_route_datas text not null,
  primary key (id),
  key idx_logistics_route_modify (gmt_modified),
  key idx_logistics_route_order (order_id)
) engine = InnoDB default charset = utf8mb4;

-- Not a replica table: what only the 1688 API serves for the seller (freight templates, ship-from
-- addresses, store categories), one row per object with its exact JSON text; read by the API emulator
-- (sources/synthetic/api-objects.ts). Grain: one row per API object.
create table if not exists hub_etl_api_object (
  kind varchar(32) not null,
  object_id varchar(20) not null,
  parent_id varchar(20) null,
  position int not null,
  json mediumtext not null,
  modified_at datetime not null,
  primary key (kind, object_id)
) engine = InnoDB default charset = utf8mb4;
