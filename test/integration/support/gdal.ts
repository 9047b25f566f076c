import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

export const execFileAsync = promisify(execFile)

/**
 * GDAL reads and reprojects a file on its own (its drivers, its PROJ): an independent path to
 * compare the service's import against. CI installs gdal-bin; without it these tests fail loudly.
 */
export async function gdalToWgs84GeoJson(
  file: string,
  extra: string[] = [],
): Promise<{
  features: { properties: Record<string, unknown>; geometry: { type: string; coordinates: unknown } }[]
}> {
  const { stdout } = await execFileAsync(
    'ogr2ogr',
    ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', ...extra, '/vsistdout/', file],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  )
  return JSON.parse(stdout)
}
