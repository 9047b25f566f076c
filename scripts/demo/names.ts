import type { Random } from './random.js'

/** Name pools for synthetic but plausible Sichuan place and person names. */

export const TOWNSHIP_NAMES = [
  '城关镇',
  '青龙乡',
  '白马镇',
  '石桥镇',
  '花园乡',
  '金山镇',
  '清水乡',
  '太平镇',
  '永安乡',
  '龙泉镇',
] as const

// prettier-ignore
const VILLAGE_NAMES = [
  '红星村', '新民村', '光明村', '胜利村', '团结村', '和平村', '建设村', '前进村', '东风村', '幸福村',
  '永兴村', '长林村', '桂花村', '石堰村', '高桥村', '大林村', '金星村', '双河村', '白果村', '柏林村',
  '龙井村', '三元村', '五一村', '七一村', '八一村', '红旗村', '民主村', '联合村', '同心村', '新华村',
  '太和村', '安乐村', '清泉村', '黄桷村', '杨柳村', '凤凰村', '狮子村', '观音村', '马鞍村', '天井村',
  '石龙村', '水井村', '花果村', '竹林村', '茶园村', '桑园村', '青山村', '白鹤村', '金龙村', '银杏村',
  '复兴村', '万福村', '宝峰村', '金桥村', '新桥村', '红光村', '先锋村', '五星村', '松林村', '荷花村',
]

// prettier-ignore
const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高',
  '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '肖', '田', '董', '袁',
  '潘', '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '钟', '谭', '廖',
]

// prettier-ignore
const GIVEN_CHARS = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀',
  '霞', '平', '刚', '桂', '英', '华', '建', '国', '文', '辉', '力', '鹏', '红', '春', '志', '宇', '海', '林',
  '晓', '婷', '兵', '波', '斌', '宁', '玲', '琴', '燕', '凯', '浩', '亮', '成', '德', '福', '忠', '俊', '云',
]

/** `count` distinct village names (villages in different townships may share a name, as in reality). */
export function pickVillageNames(rng: Random, count: number): string[] {
  return rng.sample(VILLAGE_NAMES, count)
}

/** Person-name factory that never repeats a name within one run. */
export function createNamer(rng: Random): () => string {
  const used = new Set<string>()
  return () => {
    for (;;) {
      const given = rng.chance(0.65) ? rng.pick(GIVEN_CHARS) + rng.pick(GIVEN_CHARS) : rng.pick(GIVEN_CHARS)
      const name = rng.pick(SURNAMES) + given
      if (!used.has(name)) {
        used.add(name)
        return name
      }
    }
  }
}

export const MAIN_ROAD_NAMES = ['G213国道', 'S106省道', 'S217省道', 'S103省道', '县道X012'] as const

/** Chinese labels of zone categories, used in zone names. */
export const CATEGORY_LABELS: Record<string, string> = {
  basic_farmland: '基本农田保护区',
  urban_planning: '城区规划区',
  urban_fringe: '城乡结合部',
  township_seat: '集镇',
  main_road: '公路干线两侧',
  development_zone: '开发区',
  mining_area: '重点矿区',
  hotspot: '违法行为易发区',
  other_farmland: '一般农用地',
  village_fringe: '乡村结合部',
  village_planning: '村庄规划范围',
  village_surroundings: '村庄周围',
  rural_road: '乡村道路两侧',
}
