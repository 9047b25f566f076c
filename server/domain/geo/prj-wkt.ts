/**
 * .prj texts for exported Shapefiles, in ESRI's WKT1 flavour: the one ArcGIS requires and GDAL/QGIS
 * recognise (both identify these as EPSG:4490 and EPSG:4326). Texts as written by PROJ 9
 * (`projinfo EPSG:4490 -o WKT1_ESRI`).
 *
 * Zones are stored in EPSG:4326; filing packages go out labelled CGCS2000 (EPSG:4490), the national
 * system since 2008, without changing a coordinate, since the two agree to centimetres here
 * (design.md, "Geometry conventions").
 */

/** CGCS2000 geographic (EPSG:4490). */
export const CGCS2000_GEOGRAPHIC_WKT =
  'GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",' +
  'SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'

/** WGS 84 geographic (EPSG:4326). */
export const WGS84_GEOGRAPHIC_WKT =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],' +
  'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
