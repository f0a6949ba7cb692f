using CareLake.Generator.Model;
using CareLake.Generator.Randomness;

namespace CareLake.Generator.Population;

/// <summary>
/// Given names and surnames with rough frequency weights (the most common US names of the SSA baby-name and
/// Census 2010 surname lists), plus Hispanic and Asian lists chosen more often for those groups.
/// </summary>
internal static class NameTables
{
    private static readonly WeightedTable<string> Female = Zipf(
        "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley " +
        "Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen " +
        "Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet " +
        "Catherine Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith Megan " +
        "Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail Alice " +
        "Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany Charlotte " +
        "Marie Kayla Alexis Lori Aaliyah Keisha Tamika Latoya Imani Zoe Chloe Renee Yvonne Bernadette");

    private static readonly WeightedTable<string> Male = Zipf(
        "James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel Matthew Anthony Mark " +
        "Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary " +
        "Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond " +
        "Jack Dennis Jerry Tyler Aaron Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian " +
        "Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce Gabriel " +
        "Logan Albert Willie Alan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip Louis DeShawn " +
        "Malik Darnell Tyrone Marcus Terrence Cornelius Jamal");

    private static readonly WeightedTable<string> HispanicFemale = Zipf("Maria Rosa Guadalupe Ana Carmen Juana Sofia Lucia Gabriela Veronica Adriana Leticia Yolanda Esperanza Alejandra Daniela Isabel Elena Marisol Xiomara");
    private static readonly WeightedTable<string> HispanicMale = Zipf("Jose Juan Carlos Luis Miguel Jorge Pedro Francisco Javier Alejandro Antonio Manuel Jesus Ricardo Fernando Rafael Eduardo Roberto Hector Sergio");
    private static readonly WeightedTable<string> AsianFemale = Zipf("Mei Linh Priya Ying Anh Ji-woo Hana Aiko Lan Thuy Mai Yuki Sun Anjali Deepa Hui Xiu Min-ji Kavya Ngoc");
    private static readonly WeightedTable<string> AsianMale = Zipf("Wei Minh Raj Hiroshi Jun Arjun Vikram Duc Hung Tuan Kenji Sung-min Rahul Jian Hao Takeshi Amit Quang Dong-hyun Sanjay");

    private static readonly WeightedTable<string> Surnames = Zipf(
        "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson White " +
        "Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell " +
        "Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris Murphy Cook Rogers Morgan Cooper " +
        "Peterson Bailey Reed Kelly Howard Cox Ward Richardson Watson Brooks Wood James Bennett Gray Hughes Price Sanders " +
        "Myers Long Ross Foster Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Henry " +
        "Graham Wallace Hamilton West Cole Hayes Bryant Gibson Ellis Stevens Murray Ford Marshall Owens McDonald Harrison " +
        "Kennedy Wells O'Brien O'Connor McCarthy Schmidt Mueller Kowalski Nowak Washington Jefferson Smith-Jones St._John " +
        "Van_Dyke Novak Olsen Larsen Lindqvist Rossi Russo Romano Greco Kaplan Cohen Friedman Shapiro Dubois Laurent");

    private static readonly WeightedTable<string> HispanicSurnames = Zipf(
        "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores Rivera Gomez Diaz Reyes " +
        "Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz Alvarez Mendoza Castillo Jimenez Vasquez Romero Herrera Medina " +
        "De_la_Cruz Nunez Aguilar Vargas Soto");

    private static readonly WeightedTable<string> AsianSurnames = Zipf(
        "Nguyen Kim Lee Patel Chen Wang Li Zhang Liu Tran Le Pham Park Choi Shah Singh Kumar Huang Yang Wu Lin Tanaka Sato " +
        "Yamamoto Cho Chang Dang Vu Hoang Gupta Desai Reddy Nakamura Wong");

    public static string GivenName(Sex sex, Race race, Ethnicity ethnicity, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var female = sex == Sex.Female || (sex is Sex.Other or Sex.Unknown && random.Chance(0.5));
        if (ethnicity == Ethnicity.Hispanic && random.Chance(0.6))
        {
            return (female ? HispanicFemale : HispanicMale).Pick(random);
        }

        if (race == Race.Asian && random.Chance(0.6))
        {
            return (female ? AsianFemale : AsianMale).Pick(random);
        }

        return (female ? Female : Male).Pick(random);
    }

    public static string FamilyName(Race race, Ethnicity ethnicity, DeterministicRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (ethnicity == Ethnicity.Hispanic && random.Chance(0.75)) return HispanicSurnames.Pick(random);
        if (race == Race.Asian && random.Chance(0.75)) return AsianSurnames.Pick(random);
        return Surnames.Pick(random);
    }

    /// <summary>Street names and suffixes for house addresses.</summary>
    public static IReadOnlyList<string> Streets { get; } =
    [
        "Main", "Oak", "Maple", "Cedar", "Pine", "Elm", "Washington", "Lake", "Hill", "Park", "Walnut", "Sunset",
        "Lincoln", "Jackson", "Church", "River", "Highland", "Meadow", "Forest", "Spring", "Ridge", "Chestnut", "Willow",
        "Madison", "Franklin", "Jefferson", "Center", "Mill", "Dogwood", "Hickory", "Birch", "Valley", "Cherry", "Adams",
        "Lakeview", "Prospect", "Broad", "Market", "Union", "Front", "2nd", "3rd", "4th", "5th", "6th", "7th", "Martin Luther King Jr",
        "Magnolia", "Sycamore", "Hawthorne", "Orchard", "Summit", "Bayview", "Fairview", "Greenwood",
    ];

    public static IReadOnlyList<string> StreetSuffixes { get; } = ["St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way", "Pl", "Cir", "Ter", "Pkwy"];

    private static WeightedTable<string> Zipf(string names) =>
        new(names.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.Replace('_', ' '))
            .Select((n, i) => (n, 1.0 / Math.Pow(i + 8, 0.9))));
}
