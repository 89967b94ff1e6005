declare module 'stopword' {
  /** Stop word lists keyed by ISO 639-3 code (eng, fra, deu, ...). */
  export const eng: string[];
  export const fra: string[];
  export const deu: string[];
  export const spa: string[];
  export const ita: string[];
  export const por: string[];
  export const nld: string[];
}
