/** The part of `stopword` (MIT, ships no types) that ClubOS uses: its English list. */
declare module 'stopword' {
  export const eng: readonly string[];
}
