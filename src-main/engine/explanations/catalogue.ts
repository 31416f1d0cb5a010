// The shape of one explanation: a title and a text in each locale, with the RFC section that
// defines what is explained.

export interface ExplanationText {
  title: string;
  text: string;
}

export interface Explanation {
  en: ExplanationText;
  'zh-CN': ExplanationText;
  rfc: string;
}

export type Locale = 'en' | 'zh-CN';

export function entry(rfc: string, en: [string, string], zh: [string, string]): Explanation {
  return { rfc, en: { title: en[0], text: en[1] }, 'zh-CN': { title: zh[0], text: zh[1] } };
}
