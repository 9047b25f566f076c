// vt-pbf 3.x (CommonJS) ships no types; only the part this project calls is declared.
declare module 'vt-pbf' {
  namespace vtpbf {
    /** A geojson-vt tile feature: 1 = points, 2 = lines, 3 = polygon rings, in tile units. */
    interface GeojsonVtFeature {
      type: 1 | 2 | 3
      geometry: [number, number][] | [number, number][][]
      tags: Record<string, string | number | boolean | null>
      id?: number
    }
    function fromGeojsonVt(
      layers: Record<string, { features: GeojsonVtFeature[] }>,
      options?: { version?: number; extent?: number },
    ): Uint8Array
  }
  export = vtpbf
}
