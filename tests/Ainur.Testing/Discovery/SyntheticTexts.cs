namespace Ainur.Testing.Discovery;

/// <summary>
/// Many distinct capability-like sentences built from word lists (verb x object x setting x audience: 1.4 million
/// combinations), in a fixed pseudo-random order per seed: real text for the MiniLM encoder at any size, with nothing
/// stored in the repository. Queries come from the same lists phrased another way.
/// </summary>
public static class SyntheticTexts
{
    private static readonly string[] Verbs =
    [
        "summarizes", "translates", "classifies", "extracts", "converts", "detects", "generates", "validates", "compresses", "transcribes",
        "predicts", "ranks", "cleans", "formats", "analyses", "monitors", "scores", "tags", "redacts", "merges",
        "explains", "reviews", "schedules", "forecasts", "visualizes", "indexes", "encrypts", "audits", "labels", "segments",
        "normalizes", "deduplicates", "geocodes", "recommends", "moderates",
    ];

    private static readonly string[] Objects =
    [
        "invoices", "contracts", "medical records", "podcast episodes", "satellite images", "product reviews", "source code", "emails", "tweets",
        "sensor readings", "bank transactions", "legal filings", "resumes", "news articles", "chat logs", "spreadsheets", "photos of receipts",
        "video lectures", "support tickets", "scientific papers", "shipping manifests", "insurance claims", "song lyrics", "survey answers",
        "web pages", "server logs", "DNA sequences", "customer addresses", "recipes", "weather reports", "flight schedules", "job postings",
        "court decisions", "X-ray scans", "maps", "poems", "tax forms", "purchase orders", "meeting recordings", "game replays",
    ];

    private static readonly string[] Settings =
    [
        "in real time", "in bulk overnight", "for small businesses", "with high accuracy", "in twelve languages", "on a tight budget",
        "for hospitals", "for online shops", "for banks", "for law firms", "for schools", "for newsrooms", "for farmers", "for factories",
        "for game studios", "for airlines", "for city councils", "for researchers", "for charities", "for startups",
        "with privacy guarantees", "with an audit trail", "at low latency", "from mobile uploads", "from scanned paper", "from cloud storage",
        "into JSON", "into plain English", "into a dashboard", "into short bullet points", "for compliance teams", "for marketing teams",
        "for accountants", "for developers", "for doctors", "for teachers", "for journalists", "for engineers", "for lawyers", "for travellers",
    ];

    private static readonly string[] Audiences =
    [
        "quickly", "reliably", "securely", "cheaply", "carefully", "automatically", "on request", "every hour", "daily", "weekly",
        "with human review", "without human review", "using open models", "using rules", "step by step", "at scale", "on premises",
        "in the browser", "via API", "from email attachments", "as PDF", "as CSV", "with confidence scores", "with explanations",
    ];

    /// <summary>Total distinct sentences the lists can make.</summary>
    public static long Capacity => (long)Verbs.Length * Objects.Length * Settings.Length * Audiences.Length;

    /// <summary><paramref name="count"/> distinct capability descriptions, the same for the same seed.</summary>
    public static IReadOnlyList<string> Capabilities(int count, int seed = 1) =>
        [.. Indexes(count, seed).Select(i =>
        {
            var (v, o, s, a) = Split(i);
            return $"{Capitalize(Verbs[v])} {Objects[o]} {Settings[s]}, {Audiences[a]}.";
        })];

    /// <summary><paramref name="count"/> needs phrased as a client would, from the same words.</summary>
    public static IReadOnlyList<string> Queries(int count, int seed = 2) =>
        [.. Indexes(count, seed).Select(i =>
        {
            var (v, o, s, _) = Split(i);
            return $"I need someone who {Verbs[v]} my {Objects[o]} {Settings[s]}";
        })];

    private static IEnumerable<long> Indexes(int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Capacity);
        var random = new Random(seed);
        var seen = new HashSet<long>();
        while (seen.Count < count)
        {
            var index = random.NextInt64(Capacity);
            if (seen.Add(index))
            {
                yield return index;
            }
        }
    }

    private static (int Verb, int Object, int Setting, int Audience) Split(long index)
    {
        var a = (int)(index % Audiences.Length);
        index /= Audiences.Length;
        var s = (int)(index % Settings.Length);
        index /= Settings.Length;
        var o = (int)(index % Objects.Length);
        return ((int)(index / Objects.Length), o, s, a);
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
