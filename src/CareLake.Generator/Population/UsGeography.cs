using System.Globalization;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Population;

/// <summary>A place patients live: city, county, a ZIP code of it and its approximate coordinates.</summary>
internal sealed record City(string Name, string County, string Zip, double Latitude, double Longitude, double Weight);

internal sealed record UsState(string Code, string Name, double PopulationMillions, string[] AreaCodes, City[] Cities);

/// <summary>
/// US states weighted by their 2020 Census resident population, each with a few real cities, ZIP codes and area
/// codes. Small places in the ZIP-3 areas of the HIPAA Safe Harbor restricted lists (clinical.md §7.2: 036, 059,
/// 063, 203, 369, 556, 692, 790, 821, 823, 830, 878, 879, 884, 890, 893) are included at low weight, so
/// de-identification meets them.
/// </summary>
internal static class UsGeography
{
    private const string Table = """
        AL|Alabama|5.02|205,251,256,334|Birmingham;Jefferson;35203;33.52;-86.81;4|Montgomery;Montgomery;36104;32.38;-86.30;2|Mobile;Mobile;36602;30.69;-88.04;2|Butler;Choctaw;36904;32.09;-88.22;0.2
        AK|Alaska|0.73|907|Anchorage;Anchorage;99501;61.22;-149.90;3|Fairbanks;Fairbanks North Star;99701;64.84;-147.72;1
        AZ|Arizona|7.15|480,520,602,928|Phoenix;Maricopa;85004;33.45;-112.07;5|Tucson;Pima;85701;32.22;-110.97;2|Mesa;Maricopa;85201;33.42;-111.83;2|Flagstaff;Coconino;86001;35.20;-111.65;0.5
        AR|Arkansas|3.01|479,501,870|Little Rock;Pulaski;72201;34.75;-92.29;3|Fayetteville;Washington;72701;36.06;-94.16;1.5|Jonesboro;Craighead;72401;35.84;-90.70;1
        CA|California|39.5|213,310,415,510,619,714,818,916|Los Angeles;Los Angeles;90012;34.05;-118.24;8|San Diego;San Diego;92101;32.72;-117.16;3|San Jose;Santa Clara;95113;37.34;-121.89;2.5|San Francisco;San Francisco;94103;37.77;-122.42;2|Sacramento;Sacramento;95814;38.58;-121.49;1.5|Fresno;Fresno;93721;36.74;-119.79;1.3|Oakland;Alameda;94612;37.80;-122.27;1.1
        CO|Colorado|5.77|303,719,970|Denver;Denver;80202;39.74;-104.99;4|Colorado Springs;El Paso;80903;38.83;-104.82;2|Fort Collins;Larimer;80521;40.59;-105.08;1
        CT|Connecticut|3.61|203,860|Hartford;Hartford;06103;41.76;-72.67;2|New Haven;New Haven;06510;41.31;-72.92;2|Bridgeport;Fairfield;06604;41.18;-73.19;2|New London;New London;06320;41.36;-72.10;0.5
        DE|Delaware|0.99|302|Wilmington;New Castle;19801;39.74;-75.55;2|Dover;Kent;19901;39.16;-75.52;1
        DC|District of Columbia|0.69|202|Washington;District of Columbia;20001;38.91;-77.02;5|Washington;District of Columbia;20301;38.87;-77.06;0.1
        FL|Florida|21.5|305,407,813,904,954|Jacksonville;Duval;32202;30.33;-81.66;3|Miami;Miami-Dade;33130;25.77;-80.20;4|Tampa;Hillsborough;33602;27.95;-82.46;3|Orlando;Orange;32801;28.54;-81.38;3|Tallahassee;Leon;32301;30.44;-84.28;1
        GA|Georgia|10.7|404,470,678,706,912|Atlanta;Fulton;30303;33.75;-84.39;5|Augusta;Richmond;30901;33.47;-81.97;1|Savannah;Chatham;31401;32.08;-81.09;1|Columbus;Muscogee;31901;32.46;-84.99;1
        HI|Hawaii|1.46|808|Honolulu;Honolulu;96813;21.31;-157.86;4|Hilo;Hawaii;96720;19.72;-155.09;1
        ID|Idaho|1.84|208,986|Boise;Ada;83702;43.62;-116.20;3|Idaho Falls;Bonneville;83402;43.49;-112.03;1
        IL|Illinois|12.8|217,312,618,630,773,847|Chicago;Cook;60614;41.92;-87.65;8|Aurora;Kane;60505;41.76;-88.32;1|Springfield;Sangamon;62701;39.80;-89.65;1|Peoria;Peoria;61602;40.69;-89.59;1|Rockford;Winnebago;61101;42.27;-89.09;1
        IN|Indiana|6.79|219,317,812|Indianapolis;Marion;46204;39.77;-86.16;4|Fort Wayne;Allen;46802;41.08;-85.14;1.5|Evansville;Vanderburgh;47708;37.97;-87.57;1
        IA|Iowa|3.19|319,515,563|Des Moines;Polk;50309;41.59;-93.62;3|Cedar Rapids;Linn;52401;41.98;-91.67;1.5|Grinnell;Poweshiek;50112;41.74;-92.72;0.3
        KS|Kansas|2.94|316,785,913|Wichita;Sedgwick;67202;37.69;-97.34;2.5|Topeka;Shawnee;66603;39.05;-95.68;1|Emporia;Lyon;66801;38.40;-96.18;0.4
        KY|Kentucky|4.51|502,606,859|Louisville;Jefferson;40202;38.25;-85.76;3|Lexington;Fayette;40507;38.05;-84.50;2|Bowling Green;Warren;42101;36.99;-86.44;0.8
        LA|Louisiana|4.66|225,318,504,985|New Orleans;Orleans;70112;29.95;-90.07;3|Baton Rouge;East Baton Rouge;70802;30.45;-91.15;2|Shreveport;Caddo;71101;32.51;-93.75;1.2
        ME|Maine|1.36|207|Portland;Cumberland;04101;43.66;-70.26;2|Bangor;Penobscot;04401;44.80;-68.77;1
        MD|Maryland|6.18|301,410,443|Baltimore;Baltimore City;21201;39.29;-76.61;4|Frederick;Frederick;21701;39.41;-77.41;1|Rockville;Montgomery;20850;39.08;-77.15;1.5
        MA|Massachusetts|7.03|413,508,617,781,978|Boston;Suffolk;02118;42.34;-71.07;4|Worcester;Worcester;01608;42.26;-71.80;1.5|Springfield;Hampden;01103;42.10;-72.59;1|Cambridge;Middlesex;02138;42.37;-71.12;1
        MI|Michigan|10.1|248,313,517,616,734|Detroit;Wayne;48226;42.33;-83.05;4|Grand Rapids;Kent;49503;42.96;-85.67;2|Lansing;Ingham;48933;42.73;-84.55;1|Ann Arbor;Washtenaw;48104;42.28;-83.74;1|Flint;Genesee;48502;43.01;-83.69;1
        MN|Minnesota|5.71|218,612,651,763,952|Minneapolis;Hennepin;55401;44.98;-93.27;4|Saint Paul;Ramsey;55101;44.95;-93.09;2|Duluth;Saint Louis;55802;46.79;-92.10;1|Grand Marais;Cook;55604;47.75;-90.33;0.1
        MS|Mississippi|2.96|228,601,662|Jackson;Hinds;39201;32.30;-90.18;2|Gulfport;Harrison;39501;30.37;-89.09;1|Tupelo;Lee;38804;34.26;-88.70;0.8
        MO|Missouri|6.15|314,417,573,816|Kansas City;Jackson;64106;39.10;-94.58;3|Saint Louis;Saint Louis City;63101;38.63;-90.19;3|Springfield;Greene;65806;37.21;-93.29;1.5|Jefferson City;Cole;65101;38.58;-92.17;0.6
        MT|Montana|1.08|406|Billings;Yellowstone;59101;45.78;-108.50;2|Missoula;Missoula;59802;46.87;-113.99;1.5
        NE|Nebraska|1.96|308,402|Omaha;Douglas;68102;41.26;-95.94;3|Lincoln;Lancaster;68508;40.81;-96.70;2|Valentine;Cherry;69201;42.87;-100.55;0.1
        NV|Nevada|3.10|702,775|Las Vegas;Clark;89101;36.17;-115.14;5|Reno;Washoe;89501;39.53;-119.81;2|Ely;White Pine;89301;39.25;-114.89;0.1|Alamo;Lincoln;89001;37.36;-115.17;0.05
        NH|New Hampshire|1.38|603|Manchester;Hillsborough;03101;42.99;-71.46;2|Concord;Merrimack;03301;43.21;-71.54;1|Claremont;Sullivan;03743;43.38;-72.35;0.3
        NJ|New Jersey|9.29|201,609,732,856,973|Newark;Essex;07102;40.74;-74.17;3|Jersey City;Hudson;07302;40.72;-74.05;2|Trenton;Mercer;08608;40.22;-74.76;1|Camden;Camden;08102;39.93;-75.12;1
        NM|New Mexico|2.12|505,575|Albuquerque;Bernalillo;87102;35.08;-106.65;4|Santa Fe;Santa Fe;87501;35.69;-105.94;1|Socorro;Socorro;87801;34.06;-106.89;0.2|Truth or Consequences;Sierra;87901;33.13;-107.25;0.15|Tucumcari;Quay;88401;35.17;-103.72;0.1
        NY|New York|20.2|212,315,518,585,716,718,914|New York;New York;10027;40.81;-73.95;6|Brooklyn;Kings;11201;40.69;-73.99;5|Buffalo;Erie;14202;42.89;-78.88;1.5|Rochester;Monroe;14604;43.16;-77.61;1.2|Syracuse;Onondaga;13202;43.05;-76.15;1|Albany;Albany;12207;42.65;-73.76;1
        NC|North Carolina|10.4|252,336,704,828,910,919|Charlotte;Mecklenburg;28202;35.23;-80.84;4|Raleigh;Wake;27601;35.78;-78.64;3|Greensboro;Guilford;27401;36.07;-79.79;1.5|Durham;Durham;27701;35.99;-78.90;1.2
        ND|North Dakota|0.78|701|Fargo;Cass;58102;46.88;-96.79;2|Bismarck;Burleigh;58501;46.81;-100.78;1
        OH|Ohio|11.8|216,330,419,513,614,937|Columbus;Franklin;43215;39.96;-83.00;4|Cleveland;Cuyahoga;44113;41.49;-81.69;3|Cincinnati;Hamilton;45202;39.10;-84.51;3|Toledo;Lucas;43604;41.65;-83.54;1.5|Dayton;Montgomery;45402;39.76;-84.19;1.2
        OK|Oklahoma|3.96|405,580,918|Oklahoma City;Oklahoma;73102;35.47;-97.52;3|Tulsa;Tulsa;74103;36.15;-95.99;2.5|Norman;Cleveland;73069;35.22;-97.44;1
        OR|Oregon|4.24|503,541,971|Portland;Multnomah;97204;45.52;-122.68;4|Salem;Marion;97301;44.94;-123.03;1.2|Eugene;Lane;97401;44.05;-123.09;1.2
        PA|Pennsylvania|13.0|215,267,412,570,610,717,814|Philadelphia;Philadelphia;19107;39.95;-75.16;5|Pittsburgh;Allegheny;15222;40.44;-79.99;3|Allentown;Lehigh;18101;40.60;-75.47;1|Harrisburg;Dauphin;17101;40.26;-76.88;1|Erie;Erie;16501;42.13;-80.09;0.8
        RI|Rhode Island|1.10|401|Providence;Providence;02903;41.82;-71.41;3|Warwick;Kent;02886;41.70;-71.42;1
        SC|South Carolina|5.12|803,843,864|Columbia;Richland;29201;34.00;-81.03;2|Charleston;Charleston;29401;32.78;-79.93;2|Greenville;Greenville;29601;34.85;-82.40;2
        SD|South Dakota|0.89|605|Sioux Falls;Minnehaha;57104;43.55;-96.73;2|Rapid City;Pennington;57701;44.08;-103.23;1
        TN|Tennessee|6.91|423,615,731,865,901|Nashville;Davidson;37203;36.16;-86.78;3|Memphis;Shelby;38103;35.15;-90.05;3|Knoxville;Knox;37902;35.96;-83.92;1.5|Chattanooga;Hamilton;37402;35.05;-85.31;1.2
        TX|Texas|29.1|210,214,281,512,713,806,817,915,972|Houston;Harris;77002;29.76;-95.37;6|San Antonio;Bexar;78205;29.42;-98.49;4|Dallas;Dallas;75201;32.78;-96.80;4|Austin;Travis;78701;30.27;-97.74;3|Fort Worth;Tarrant;76102;32.75;-97.33;2.5|El Paso;El Paso;79901;31.76;-106.49;2|Borger;Hutchinson;79007;35.67;-101.40;0.1
        UT|Utah|3.27|385,435,801|Salt Lake City;Salt Lake;84101;40.76;-111.89;3|Provo;Utah;84601;40.23;-111.66;1.5|Ogden;Weber;84401;41.22;-111.97;1
        VT|Vermont|0.64|802|Burlington;Chittenden;05401;44.48;-73.21;2|Montpelier;Washington;05602;44.26;-72.58;0.7|Norton;Essex;05907;45.01;-71.80;0.1
        VA|Virginia|8.63|276,434,540,571,703,757,804|Virginia Beach;Virginia Beach City;23451;36.85;-75.98;2.5|Richmond;Richmond City;23219;37.54;-77.44;2|Norfolk;Norfolk City;23510;36.85;-76.29;1.5|Arlington;Arlington;22201;38.88;-77.10;1.5|Roanoke;Roanoke City;24011;37.27;-79.94;1
        WA|Washington|7.71|206,253,360,425,509|Seattle;King;98101;47.61;-122.33;4|Spokane;Spokane;99201;47.66;-117.43;1.5|Tacoma;Pierce;98402;47.25;-122.44;1.5|Vancouver;Clark;98660;45.64;-122.66;1
        WV|West Virginia|1.79|304,681|Charleston;Kanawha;25301;38.35;-81.63;1.5|Huntington;Cabell;25701;38.42;-82.45;1|Morgantown;Monongalia;26505;39.63;-79.96;1
        WI|Wisconsin|5.89|262,414,608,715,920|Milwaukee;Milwaukee;53202;43.04;-87.91;3|Madison;Dane;53703;43.07;-89.38;2|Green Bay;Brown;54301;44.51;-88.01;1
        WY|Wyoming|0.58|307|Cheyenne;Laramie;82001;41.14;-104.82;2|Casper;Natrona;82601;42.87;-106.31;2|Rawlins;Carbon;82301;41.79;-107.24;0.4|Jackson;Teton;83001;43.48;-110.76;0.5|Yellowstone National Park;Park;82190;44.60;-110.55;0.05
        """;

    public static IReadOnlyList<UsState> States { get; } = Parse();

    public static WeightedTable<UsState> ByPopulation { get; } = new(States.Select(s => (s, s.PopulationMillions)));

    private static readonly Dictionary<UsState, WeightedTable<City>> CityTables =
        States.ToDictionary(s => s, s => new WeightedTable<City>(s.Cities.Select(c => (c, c.Weight))));

    public static City PickCity(UsState state, DeterministicRandom random) => CityTables[state].Pick(random);

    /// <summary>A ZIP code in the same ZIP-3 area as the city's (small places keep theirs exactly).</summary>
    public static string PickZip(City city, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentNullException.ThrowIfNull(random);
        if (city.Weight < 1)
        {
            return city.Zip;
        }

        var zip = int.Parse(city.Zip, CultureInfo.InvariantCulture) + random.Next(0, 12);
        return zip.ToString("D5", CultureInfo.InvariantCulture);
    }

    private static List<UsState> Parse()
    {
        var states = new List<UsState>();
        foreach (var line in Table.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('|');
            var cities = parts[4..].Select(c =>
            {
                var f = c.Split(';');
                return new City(f[0], f[1], f[2], D(f[3]), D(f[4]), D(f[5]));
            }).ToArray();
            states.Add(new UsState(parts[0], parts[1], D(parts[2]), parts[3].Split(','), cities));
        }

        return states;
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
