// The words a 1688 seller's store is made of: category tree, title parts, SKU dimensions, units,
// carriers, cities, refund reasons and company names. Data only; generation lives beside it.

export interface SkuDimension {
  name: string;
  attrId: number;
  values: readonly string[];
}

export interface LeafSpec {
  /** Core product names for titles. */
  nouns: readonly string[];
  features: readonly string[];
  /** First SKU dimension (usually 颜色) and second (规格, 尺码, 电压 …); 10 values each, so up to 100 SKUs. */
  colour: SkuDimension;
  spec: SkuDimension;
  units: readonly string[];
  /** Unit price range in yuan (log-uniform); below 1 yuan prices may carry 3-4 decimals. */
  price: readonly [number, number];
  /** Typical quantity of one order line. */
  qty: readonly [number, number];
  /** Unit weight range in kg. */
  weight: readonly [number, number];
  materials: readonly string[];
}

export interface CategoryDef {
  id: number;
  name: string;
  children?: readonly CategoryDef[];
  leaf?: LeafSpec;
}

export const COLOURS: SkuDimension = {
  name: '颜色',
  attrId: 3216,
  values: ['红色', '黑色', '白色', '蓝色', '灰色', '绿色', '黄色', '粉色', '卡其色', '藏青色'],
};
const FINISHES: SkuDimension = { name: '颜色', attrId: 3216, values: ['本色', '镀锌', '黑色', '镀镍', '彩锌', '达克罗', '发黑', '镀铬', '蓝锌', '白锌'] };
const CARTON: SkuDimension = { name: '颜色', attrId: 3216, values: ['黄色', '白色', '牛皮色', '红色', '蓝色', '黑色', '粉色', '绿色', '灰色', '透明'] };
const PACKAGE: SkuDimension = { name: '封装', attrId: 7305, values: ['0402', '0603', '0805', '1206', '2512', 'DIP', 'SOT-23', 'TO-220', '1210', '2010'] };

const dim = (name: string, attrId: number, values: string[]): SkuDimension => ({ name, attrId, values });
const SIZES_ADULT = dim('尺码', 450, ['XS', 'S', 'M', 'L', 'XL', '2XL', '3XL', '4XL', '5XL', '均码']);

const leaf = (l: Omit<LeafSpec, 'colour' | 'materials'> & Partial<Pick<LeafSpec, 'colour' | 'materials'>>): LeafSpec => ({
  colour: COLOURS,
  materials: ['其他'],
  ...l,
});

/** The store's category tree: level 1 > 2 > 3; some level-2 nodes are leaves (level 3 empty). */
export const CATEGORY_TREE: readonly CategoryDef[] = [
  {
    id: 1, name: '五金、工具', children: [
      {
        id: 1001, name: '电动工具', children: [
          { id: 100101, name: '电动扳手', leaf: leaf({ nouns: ['电动扳手', '锂电冲击扳手', '无刷电动扳手'], features: ['大扭矩', '无刷', '锂电', '充电式', '工业级'], spec: dim('电压', 1459, ['12V', '16.8V', '20V', '21V', '24V', '36V', '48V', '88VF', '118VF', '198VF']), units: ['台', '把', '套'], price: [65, 680], qty: [1, 30], weight: [1.2, 3.5], materials: ['合金钢', '铝合金', '工程塑料'] }) },
          { id: 100102, name: '电钻', leaf: leaf({ nouns: ['手电钻', '冲击钻', '锂电钻'], features: ['家用', '多功能', '双速', '充电式', '大功率'], spec: dim('规格', 446, ['10mm', '13mm', '16mm', '单电', '双电', '裸机', '套装A', '套装B', '套装C', '豪华套装']), units: ['台', '套'], price: [35, 420], qty: [1, 40], weight: [0.9, 2.8], materials: ['工程塑料', '合金钢'] }) },
          { id: 100103, name: '角磨机', leaf: leaf({ nouns: ['角磨机', '角向磨光机', '打磨机'], features: ['大功率', '多功能', '手磨', '工业级'], spec: dim('功率', 1234, ['680W', '750W', '850W', '900W', '1000W', '1200W', '1380W', '1500W', '1800W', '2000W']), units: ['台'], price: [45, 320], qty: [1, 20], weight: [1.5, 3.2], materials: ['铝合金', '工程塑料'] }) },
        ],
      },
      {
        id: 1002, name: '手动工具', children: [
          { id: 100201, name: '扳手', leaf: leaf({ nouns: ['开口扳手', '梅花扳手', '活动扳手', '两用扳手'], features: ['铬钒钢', '加厚', '镜面', '省力'], spec: dim('规格', 446, ['8mm', '10mm', '12mm', '14mm', '17mm', '19mm', '22mm', '24mm', '27mm', '32mm']), units: ['把', '个', '套'], price: [2.5, 45], qty: [5, 500], weight: [0.08, 0.9], materials: ['铬钒钢', '碳钢'] }) },
          { id: 100202, name: '螺丝刀', leaf: leaf({ nouns: ['螺丝刀', '起子', '螺丝批'], features: ['磁性', '十字', '一字', '精密'], spec: dim('规格', 446, ['PH0', 'PH1', 'PH2', 'SL3', 'SL5', 'SL6', 'T10', 'T15', 'T20', 'T25']), units: ['把', '套'], price: [1.2, 25], qty: [10, 800], weight: [0.05, 0.4], materials: ['S2钢', '铬钒钢'] }) },
          { id: 100203, name: '钳子', leaf: leaf({ nouns: ['钢丝钳', '尖嘴钳', '斜口钳', '老虎钳'], features: ['省力', '多功能', '德式', '日式'], spec: dim('规格', 446, ['5寸', '6寸', '7寸', '8寸', '9寸', '10寸', '6寸加长', '8寸加长', '套装3件', '套装5件']), units: ['把', '套'], price: [4.5, 38], qty: [5, 300], weight: [0.15, 0.6], materials: ['铬钒钢', '碳钢'] }) },
        ],
      },
      {
        id: 1003, name: '五金配件', children: [
          { id: 100301, name: '螺丝', leaf: leaf({ nouns: ['十字盘头螺丝', '内六角螺丝', '自攻螺丝', '沉头螺丝'], features: ['304不锈钢', '高强度', '国标', '加硬'], colour: FINISHES, spec: dim('规格', 446, ['M3×8', 'M3×10', 'M4×12', 'M4×16', 'M5×16', 'M5×20', 'M6×20', 'M6×25', 'M8×30', 'M8×40']), units: ['个', '包', '千个'], price: [0.0025, 0.35], qty: [1000, 50000], weight: [0.001, 0.02], materials: ['304不锈钢', '碳钢', '合金钢'] }) },
          { id: 100302, name: '合页', leaf: leaf({ nouns: ['不锈钢合页', '液压合页', '门合页'], features: ['加厚', '静音', '轴承'], spec: dim('规格', 446, ['2寸', '2.5寸', '3寸', '4寸', '5寸', '6寸', '2寸加厚', '3寸加厚', '4寸加厚', '5寸加厚']), units: ['个', '片', '副'], price: [0.8, 12], qty: [20, 2000], weight: [0.03, 0.3], materials: ['304不锈钢', '铁'] }) },
        ],
      },
      { id: 1004, name: '劳保手套', leaf: leaf({ nouns: ['劳保手套', '浸胶手套', '线手套'], features: ['耐磨', '防滑', '加厚', '透气'], spec: dim('尺码', 450, ['S', 'M', 'L', 'XL', 'XXL', '均码', '7号', '8号', '9号', '10号']), units: ['双', '打', '包'], price: [0.35, 8.5], qty: [100, 5000], weight: [0.03, 0.1], materials: ['棉纱', '丁腈'] }) },
    ],
  },
  {
    id: 2, name: '服装', children: [
      {
        id: 2001, name: '女装', children: [
          { id: 200101, name: '连衣裙', leaf: leaf({ nouns: ['连衣裙', '碎花裙', '长裙'], features: ['2024夏季', '法式', '收腰', '宽松'], spec: SIZES_ADULT, units: ['件', '条'], price: [25, 180], qty: [2, 200], weight: [0.2, 0.6], materials: ['棉', '雪纺', '聚酯纤维'] }) },
          { id: 200102, name: 'T恤', leaf: leaf({ nouns: ['短袖T恤', '纯棉T恤', '打底衫'], features: ['宽松', '百搭', '纯棉', '印花'], spec: SIZES_ADULT, units: ['件'], price: [8, 60], qty: [5, 500], weight: [0.12, 0.3], materials: ['棉', '莫代尔'] }) },
        ],
      },
      {
        id: 2002, name: '男装', children: [
          { id: 200201, name: '夹克', leaf: leaf({ nouns: ['夹克外套', '工装夹克', '休闲夹克'], features: ['春秋', '立领', '防风', '加绒'], spec: SIZES_ADULT, units: ['件'], price: [45, 260], qty: [1, 100], weight: [0.5, 1.2], materials: ['聚酯纤维', '棉'] }) },
          { id: 200202, name: '衬衫', leaf: leaf({ nouns: ['长袖衬衫', '商务衬衫', '牛津纺衬衫'], features: ['免烫', '修身', '纯棉'], spec: SIZES_ADULT, units: ['件'], price: [22, 120], qty: [2, 300], weight: [0.2, 0.4], materials: ['棉', '涤纶'] }) },
        ],
      },
      { id: 2003, name: '童装', leaf: leaf({ nouns: ['儿童套装', '童T恤', "Kid's 卫衣"], features: ['纯棉', '卡通', '亲子装'], spec: dim('尺码', 450, ['73cm', '80cm', '90cm', '100cm', '110cm', '120cm', '130cm', '140cm', '150cm', '160cm']), units: ['件', '套'], price: [12, 90], qty: [3, 300], weight: [0.1, 0.5], materials: ['棉'] }) },
    ],
  },
  {
    id: 3, name: '家居日用', children: [
      {
        id: 3001, name: '收纳整理', children: [
          { id: 300101, name: '收纳盒', leaf: leaf({ nouns: ['收纳盒', '整理箱', '储物盒'], features: ['加厚', '透明', '可叠加', '带盖'], spec: dim('规格', 446, ['小号', '中号', '大号', '特大号', '超大号', '加厚小号', '加厚中号', '加厚大号', '三件套', '五件套']), units: ['个', '套'], price: [2.8, 45], qty: [5, 1000], weight: [0.2, 1.5], materials: ['PP塑料', '无纺布'] }) },
          { id: 300102, name: '收纳袋', leaf: leaf({ nouns: ['真空压缩袋', '衣物收纳袋', '防尘袋'], features: ['加厚', '大容量', '防潮'], spec: dim('规格', 446, ['40×60cm', '50×70cm', '60×80cm', '70×100cm', '80×110cm', '100×120cm', '3件套', '5件套', '8件套', '11件套']), units: ['个', '套'], price: [1.5, 35], qty: [10, 2000], weight: [0.05, 0.6], materials: ['PA+PE', '牛津布'] }) },
        ],
      },
      {
        id: 3002, name: '厨房用品', children: [
          { id: 300201, name: '保鲜盒', leaf: leaf({ nouns: ['保鲜盒', '玻璃饭盒', '密封盒'], features: ['微波炉可用', '食品级', '耐热'], spec: dim('容量', 1141, ['350ml', '500ml', '750ml', '1L', '1.5L', '2L', '3L', '三件套', '五件套', '十件套']), units: ['个', '套'], price: [3.5, 58], qty: [5, 600], weight: [0.15, 1.8], materials: ['高硼硅玻璃', 'PP塑料'] }) },
          { id: 300202, name: '厨房刀具', leaf: leaf({ nouns: ['菜刀', '刀具套装', '厨师刀'], features: ['不锈钢', '锋利', '家用'], spec: dim('规格', 446, ['菜刀', '切片刀', '水果刀', '剪刀', '三件套', '五件套', '七件套', '斩骨刀', '面包刀', '厨师刀']), units: ['把', '套'], price: [9.9, 168], qty: [2, 200], weight: [0.2, 2.2], materials: ['不锈钢', '高碳钢'] }) },
        ],
      },
      { id: 3003, name: '清洁用品', leaf: leaf({ nouns: ['拖把', '清洁刷', '抹布'], features: ['免手洗', '吸水', '加厚'], spec: dim('规格', 446, ['单个装', '2个装', '3个装', '5个装', '10个装', '20个装', '小号', '中号', '大号', '家庭装']), units: ['个', '包', '套'], price: [0.6, 39], qty: [10, 2000], weight: [0.02, 1.2], materials: ['超细纤维', 'PP塑料'] }) },
    ],
  },
  {
    id: 4, name: '包装材料', children: [
      { id: 4001, name: '纸箱', leaf: leaf({ nouns: ['快递纸箱', '搬家纸箱', '飞机盒'], features: ['加硬', '三层', '五层', '特硬'], colour: CARTON, spec: dim('规格', 446, ['1号', '2号', '3号', '4号', '5号', '6号', '7号', '8号', '9号', '10号']), units: ['个', '箱'], price: [0.12, 4.5], qty: [100, 10000], weight: [0.05, 0.8], materials: ['瓦楞纸'] }) },
      { id: 4002, name: '胶带', leaf: leaf({ nouns: ['封箱胶带', '透明胶带', '警示胶带'], features: ['高粘', '加厚', '宽胶带'], colour: CARTON, spec: dim('规格', 446, ['4.5cm×100m', '4.5cm×150m', '4.8cm×100m', '5cm×100m', '5.5cm×150m', '6cm×100m', '6cm×200m', '4.5cm×300m', '2cm×50m', '1.2cm×30m']), units: ['卷', '箱'], price: [0.85, 6], qty: [36, 3000], weight: [0.15, 0.4], materials: ['BOPP'] }) },
      { id: 4003, name: '气泡膜', leaf: leaf({ nouns: ['气泡膜', '气泡袋', '防震膜'], features: ['加厚', '防震', '双层'], colour: CARTON, spec: dim('规格', 446, ['宽30cm', '宽40cm', '宽50cm', '宽60cm', '宽80cm', '宽100cm', '宽120cm', '10×15cm', '15×20cm', '20×25cm']), units: ['卷', '米', '个'], price: [0.35, 60], qty: [10, 2000], weight: [0.01, 3], materials: ['PE'] }) },
      { id: 4004, name: '快递袋', leaf: leaf({ nouns: ['快递袋', '加厚快递袋', '防水袋'], features: ['全新料', '加厚', '防水', '自封'], colour: CARTON, spec: dim('规格', 446, ['17×30cm', '25×35cm', '28×42cm', '32×45cm', '35×50cm', '38×52cm', '45×55cm', '50×60cm', '60×70cm', '70×80cm']), units: ['个', '包'], price: [0.035, 0.45], qty: [500, 20000], weight: [0.005, 0.05], materials: ['PE'] }) },
    ],
  },
  {
    id: 5, name: '电子元器件', children: [
      { id: 5001, name: '电阻', leaf: leaf({ nouns: ['贴片电阻', '碳膜电阻', '金属膜电阻'], features: ['1%精度', '5%精度', '原装'], colour: PACKAGE, spec: dim('阻值', 8811, ['10Ω', '100Ω', '220Ω', '330Ω', '1KΩ', '4.7KΩ', '10KΩ', '47KΩ', '100KΩ', '1MΩ']), units: ['个', '盘'], price: [0.0012, 0.05], qty: [1000, 100000], weight: [0.0001, 0.001], materials: ['陶瓷'] }) },
      { id: 5002, name: '电容', leaf: leaf({ nouns: ['贴片电容', '电解电容', '钽电容'], features: ['原装', '高频', '低阻'], colour: PACKAGE, spec: dim('容值', 8812, ['10pF', '100pF', '1nF', '10nF', '100nF', '1uF', '10uF', '22uF', '100uF', '470uF']), units: ['个', '盘'], price: [0.003, 0.9], qty: [500, 50000], weight: [0.0001, 0.005], materials: ['陶瓷', '铝'] }) },
      {
        id: 5003, name: '连接器', children: [
          { id: 500301, name: '排针', leaf: leaf({ nouns: ['单排针', '双排针', '排母'], features: ['镀金', '2.54mm', '1.27mm'], colour: PACKAGE, spec: dim('规格', 446, ['1×40P', '2×40P', '1×20P', '2×20P', '1×10P', '2×10P', '1×6P', '2×6P', '1×4P', '2×4P']), units: ['条', '个', '包'], price: [0.02, 0.8], qty: [100, 10000], weight: [0.001, 0.01], materials: ['黄铜', 'PA'] }) },
          { id: 500302, name: 'USB连接器', leaf: leaf({ nouns: ['USB母座', 'Type-C接口', 'USB公头'], features: ['沉板', '贴片', '直插'], colour: PACKAGE, spec: dim('规格', 446, ['2.0母座', '3.0母座', 'Type-C 6P', 'Type-C 16P', 'Type-C 24P', 'Micro 5P', 'A公焊线', 'A母焊线', '双层母座', '防水款']), units: ['个', '包'], price: [0.08, 2.5], qty: [100, 20000], weight: [0.001, 0.01], materials: ['黄铜', 'LCP'] }) },
        ],
      },
    ],
  },
  {
    id: 6, name: '美容护肤', children: [
      {
        id: 6001, name: '面部护理', children: [
          { id: 600101, name: '面膜', leaf: leaf({ nouns: ['补水面膜', '面膜贴', '睡眠面膜'], features: ['玻尿酸', '保湿', '舒缓'], spec: dim('规格', 446, ['单片', '5片装', '10片装', '20片装', '30片装', '50片装', '100片装', '试用装', '礼盒装', '家庭装']), units: ['盒', '片', '箱'], price: [0.9, 59], qty: [10, 3000], weight: [0.03, 0.8], materials: ['蚕丝', '无纺布'] }) },
          { id: 600102, name: '洁面', leaf: leaf({ nouns: ['洗面奶', '洁面乳', '洁面慕斯'], features: ['氨基酸', '温和', '控油'], spec: dim('容量', 1141, ['50ml', '80ml', '100ml', '120ml', '150ml', '200ml', '300ml', '500ml', '两支装', '三支装']), units: ['支', '瓶', '箱'], price: [2.5, 49], qty: [6, 1200], weight: [0.06, 0.6], materials: ['其他'] }) },
        ],
      },
    ],
  },
  {
    id: 7, name: '数码配件', children: [
      {
        id: 7001, name: '手机配件', children: [
          { id: 700101, name: '数据线', leaf: leaf({ nouns: ['数据线', '快充线', '编织充电线'], features: ['6A快充', '编织', '弯头', '加长'], spec: dim('长度', 1660, ['0.25米', '0.5米', '1米', '1.2米', '1.5米', '2米', '3米', 'Type-C 1米', 'Type-C 2米', '三合一1.2米']), units: ['条', '根'], price: [1.8, 25], qty: [10, 3000], weight: [0.02, 0.1], materials: ['TPE', '尼龙编织'] }) },
          { id: 700102, name: '手机壳', leaf: leaf({ nouns: ['手机壳', '防摔手机壳', '磁吸手机壳'], features: ['全包', '超薄', '磨砂', '透明'], spec: dim('适用机型', 1661, ['iPhone 15', 'iPhone 15 Pro', 'iPhone 14', '华为Mate60', '小米14', 'OPPO Reno11', 'vivo X100', '荣耀90', '华为P60', '红米K70']), units: ['个'], price: [1.5, 28], qty: [10, 2000], weight: [0.02, 0.06], materials: ['TPU', 'PC'] }) },
          { id: 700103, name: '充电器', leaf: leaf({ nouns: ['充电头', '快充充电器', '氮化镓充电器'], features: ['PD快充', '多口', '折叠'], spec: dim('规格', 446, ['5V2A', '18W', '20W', '33W', '45W', '65W', '100W', '双口20W', '三口65W', '氮化镓120W']), units: ['个'], price: [3.8, 89], qty: [5, 1000], weight: [0.03, 0.25], materials: ['PC阻燃'] }) },
        ],
      },
      { id: 7002, name: '电脑配件', leaf: leaf({ nouns: ['鼠标垫', '键盘膜', '笔记本支架'], features: ['加厚', '锁边', '防滑'], spec: dim('规格', 446, ['20×24cm', '25×30cm', '30×60cm', '30×80cm', '40×90cm', '13寸', '14寸', '15.6寸', '17寸', '通用款']), units: ['个', '张'], price: [0.9, 45], qty: [10, 2000], weight: [0.05, 1], materials: ['天然橡胶', '铝合金'] }) },
    ],
  },
];

/** Non-SKU attributes every leaf declares (category attributes blob). */
export const BRANDS = ['恒达', '锐工', '鑫源', '力霸', '优派', '卓越', '金盾', '华美', '佳乐', '美琪', '其他'];
export const ORIGINS = ['浙江义乌', '浙江永康', '广东深圳', '广东东莞', '江苏苏州', '福建泉州', '山东临沂'];

export const TITLE_PREFIXES = ['', '', '【厂家直销】', '【现货速发】', '2024新款', '跨境专供', '【一件代发】', '工厂批发'];
export const TITLE_SUFFIXES = ['', '批发', '源头工厂', '一件代发', '厂家批发', '现货', '支持定制', '量大从优'];

export const UNIT_FALLBACK = '件';

/** Carriers 1688 sellers use: name, the logistics company id, the cp code, and how their waybill numbers look. */
export interface Carrier {
  name: string;
  companyId: number;
  code: string;
  billPrefix: string;
  billDigits: number;
}
export const CARRIERS: readonly Carrier[] = [
  { name: '中通快递', companyId: 20, code: 'ZTO', billPrefix: '78', billDigits: 12 },
  { name: '圆通速递', companyId: 23, code: 'YTO', billPrefix: 'YT', billDigits: 13 },
  { name: '韵达快递', companyId: 30, code: 'YUNDA', billPrefix: '43', billDigits: 11 },
  { name: '申通快递', companyId: 21, code: 'STO', billPrefix: '77', billDigits: 11 },
  { name: '顺丰速运', companyId: 7, code: 'SF', billPrefix: 'SF', billDigits: 13 },
  { name: 'EMS', companyId: 2, code: 'EMS', billPrefix: '11', billDigits: 11 },
  { name: '德邦物流', companyId: 100, code: 'DBL', billPrefix: 'DPK', billDigits: 12 },
];
/** Relative use of each carrier above. */
export const CARRIER_WEIGHTS = [30, 22, 18, 12, 10, 4, 4];

export interface City {
  province: string;
  city: string;
  districts: ReadonlyArray<readonly [name: string, code: string]>;
  zip: string;
}
export const CITIES: readonly City[] = [
  { province: '浙江省', city: '杭州市', districts: [['西湖区', '330106'], ['余杭区', '330110'], ['滨江区', '330108']], zip: '310000' },
  { province: '浙江省', city: '宁波市', districts: [['鄞州区', '330212'], ['海曙区', '330203']], zip: '315000' },
  { province: '浙江省', city: '温州市', districts: [['鹿城区', '330302'], ['瓯海区', '330304']], zip: '325000' },
  { province: '浙江省', city: '金华市', districts: [['义乌市', '330782'], ['婺城区', '330702']], zip: '322000' },
  { province: '江苏省', city: '苏州市', districts: [['姑苏区', '320508'], ['吴中区', '320506']], zip: '215000' },
  { province: '江苏省', city: '南京市', districts: [['鼓楼区', '320106'], ['江宁区', '320115']], zip: '210000' },
  { province: '上海', city: '上海市', districts: [['浦东新区', '310115'], ['闵行区', '310112'], ['嘉定区', '310114']], zip: '200000' },
  { province: '北京', city: '北京市', districts: [['朝阳区', '110105'], ['海淀区', '110108'], ['大兴区', '110115']], zip: '100000' },
  { province: '广东省', city: '广州市', districts: [['白云区', '440111'], ['天河区', '440106'], ['番禺区', '440113']], zip: '510000' },
  { province: '广东省', city: '深圳市', districts: [['宝安区', '440306'], ['龙岗区', '440307'], ['南山区', '440305']], zip: '518000' },
  { province: '广东省', city: '东莞市', districts: [['长安镇', '441900'], ['虎门镇', '441900']], zip: '523000' },
  { province: '广东省', city: '佛山市', districts: [['南海区', '440605'], ['顺德区', '440606']], zip: '528000' },
  { province: '四川省', city: '成都市', districts: [['武侯区', '510107'], ['成华区', '510108']], zip: '610000' },
  { province: '湖北省', city: '武汉市', districts: [['洪山区', '420111'], ['江汉区', '420103']], zip: '430000' },
  { province: '陕西省', city: '西安市', districts: [['雁塔区', '610113'], ['未央区', '610112']], zip: '710000' },
  { province: '河南省', city: '郑州市', districts: [['金水区', '410105'], ['中原区', '410102']], zip: '450000' },
  { province: '湖南省', city: '长沙市', districts: [['岳麓区', '430104'], ['雨花区', '430111']], zip: '410000' },
  { province: '重庆', city: '重庆市', districts: [['渝北区', '500112'], ['九龙坡区', '500107']], zip: '400000' },
  { province: '天津', city: '天津市', districts: [['滨海新区', '120116'], ['南开区', '120104']], zip: '300000' },
  { province: '山东省', city: '青岛市', districts: [['黄岛区', '370211'], ['城阳区', '370214']], zip: '266000' },
  { province: '福建省', city: '厦门市', districts: [['思明区', '350203'], ['湖里区', '350206']], zip: '361000' },
];
/** The seller ships from Yiwu (浙江省 金华市 义乌市). */
export const SELLER_CITY = 3;

export const STREETS = ['文三路', '人民路', '解放路', '中山路', '建设路', '和平路', '新华路', '长江路', '黄河路', '学院路', '工业园路', '商贸城大道'];
export const BUILDINGS = ['', '', '国际商贸城', '科技大厦', '创业园', '物流园', '工业区'];

export const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'.split('');
export const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '建华', '海燕', '志强', '丽娟'];
export const TITLES = ['先生', '女士', '经理', '老板', '总'];

export const COMPANY_REGIONS = ['义乌', '杭州', '广州', '深圳', '东莞', '温州', '宁波', '苏州', '临沂', '泉州'];
export const COMPANY_NAMES = ['恒达', '鑫源', '宏盛', '佳和', '永利', '华泰', '盛世', '金诚', '联创', '博远', '瑞丰', '天成'];
export const COMPANY_TRADES = ['五金', '贸易', '电子', '服饰', '日用品', '包装', '科技', '工贸', '实业', '电子商务'];
export const COMPANY_FORMS = ['有限公司', '商贸有限公司', '贸易有限公司', '科技有限公司', '实业有限公司'];
export const BANKS = ['中国工商银行', '中国建设银行', '中国农业银行', '中国银行', '招商银行', '浙江稠州商业银行'];

/** Refund reasons buyers pick, most common first. */
export const REFUND_REASONS = ['不想要了', '质量问题', '发错货', '少件/漏发', '收到商品破损', '与商品描述不符', '尺寸/规格不合适', '拍错/多拍', '未按约定时间发货', '七天无理由退货', '商品有瑕疵'];
export const REFUND_REASON_WEIGHTS = [22, 14, 8, 8, 7, 9, 8, 10, 4, 6, 4];

export const BUYER_MEMOS = ['请尽快发货', '发顺丰', '需要开发票', '周末不收货', '包装要结实', '请附送货单', '不要放快递柜', '同款再来一批'];
export const SIGNERS = ['本人', '门卫', '前台', '快递柜', '家人', '公司收发室'];

/** Chinese labels the trade API puts in statusStr. */
export const ORDER_STATUS_LABELS: Record<string, string> = {
  waitbuyerpay: '等待买家付款',
  waitsellersend: '等待卖家发货',
  waitlogisticstakein: '等待物流公司揽件',
  waitbuyerreceive: '等待买家收货',
  waitbuyersign: '等待买家签收',
  signinsuccess: '买家已签收',
  confirm_goods: '已收货',
  success: '交易成功',
  cancel: '交易取消',
  terminated: '交易终止',
};

/** Refund statuses, lowercase as in orders and refunds, and the UPPERCASE line spelling (note REFUND_CLOSED). */
export const REFUND_STATUS_UPPER: Record<string, string> = {
  waitselleragree: 'WAIT_SELLER_AGREE',
  waitbuyermodify: 'WAIT_BUYER_MODIFY',
  waitbuyersend: 'WAIT_BUYER_SEND',
  waitsellerreceive: 'WAIT_SELLER_RECEIVE',
  refundsuccess: 'REFUND_SUCCESS',
  refundclose: 'REFUND_CLOSED',
};
