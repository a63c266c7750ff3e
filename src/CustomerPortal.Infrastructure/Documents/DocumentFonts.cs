using PdfSharp.Fonts;
using PdfSharp.WPFonts;

namespace CustomerPortal.Infrastructure.Documents;

/// <summary>Where the document font's bytes came from (shown in diagnostics and tests).</summary>
public enum DocumentFontSource
{
    /// <summary>A sans-serif TrueType font found in the system's font folders (DejaVu Sans, Liberation Sans).</summary>
    System,

    /// <summary>
    /// Segoe WP, which ships inside the PDFsharp package (PdfSharp.WPFonts); used when no system font is found.
    /// </summary>
    PdfSharpPackage,
}

/// <summary>
/// Resolves every font request of the documents to one sans-serif family (regular and bold). Font files are read once
/// and kept; PDFsharp embeds a Unicode subset of them in each document, so accented names survive copy and search.
/// </summary>
internal sealed class DocumentFontResolver : IFontResolver
{
    /// <summary>
    /// The family name the renderer asks for; deliberately not a real font name so it never collides.
    /// </summary>
    public const string FamilyName = "CustomerPortal Sans";

    private const string RegularFace = "CustomerPortalSans-Regular";
    private const string BoldFace = "CustomerPortalSans-Bold";

    // Preferred first. Both faces of a pair must be present for the pair to be used.
    private static readonly (string Regular, string Bold, string Description)[] SystemCandidates =
    [
        ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVu Sans"),
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "Liberation Sans"),
        ("Arial.ttf", "Arial Bold.ttf", "Arial"),
        ("arial.ttf", "arialbd.ttf", "Arial"),
    ];

    private readonly byte[] _regular;
    private readonly byte[] _bold;

    private DocumentFontResolver(byte[] regular, byte[] bold, DocumentFontSource source, string description)
    {
        _regular = regular;
        _bold = bold;
        Source = source;
        Description = description;
    }

    public DocumentFontSource Source { get; }

    /// <summary>"DejaVu Sans (/usr/share/fonts/…)" or "Segoe WP (PDFsharp package)".</summary>
    public string Description { get; }

    /// <summary>Finds fonts in the usual font folders, falling back to the fonts inside the PDFsharp package.</summary>
    public static DocumentFontResolver Create() => Create(DefaultFontDirectories());

    internal static DocumentFontResolver Create(IEnumerable<string> fontDirectories)
    {
        var directories = fontDirectories.Where(Directory.Exists).ToList();
        foreach (var (regularName, boldName, description) in SystemCandidates)
        {
            var regular = FindFile(directories, regularName);
            var bold = regular is null ? null : FindFile(directories, boldName);
            if (regular is not null && bold is not null)
            {
                return new DocumentFontResolver(File.ReadAllBytes(regular), File.ReadAllBytes(bold),
                    DocumentFontSource.System, $"{description} ({Path.GetDirectoryName(regular)})");
            }
        }
        return new DocumentFontResolver(FontDataHelper.SegoeWP, FontDataHelper.SegoeWPBold,
            DocumentFontSource.PdfSharpPackage, "Segoe WP (PDFsharp package)");
    }

    public FontResolverInfo ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
        // Every family maps to ours: when we are the process's resolver, a stray request for "Arial" must not fail.
        // Italic is simulated by PDFsharp (the documents use none).
        new(isBold ? BoldFace : RegularFace, mustSimulateBold: false, mustSimulateItalic: isItalic);

    public byte[]? GetFont(string faceName) => faceName switch
    {
        RegularFace => _regular,
        BoldFace => _bold,
        _ => null,
    };

    internal static IEnumerable<string> DefaultFontDirectories()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var windowsFonts = Environment.GetFolderPath(Environment.SpecialFolder.Fonts);
        string[] directories =
        [
            "/usr/share/fonts",
            "/usr/local/share/fonts",
            Path.Combine(home, ".local", "share", "fonts"),
            Path.Combine(home, ".fonts"),
            "/Library/Fonts",
            "/System/Library/Fonts",
            windowsFonts,
        ];
        return directories.Where(d => !string.IsNullOrEmpty(d)).Distinct(StringComparer.Ordinal);
    }

    private static string? FindFile(IEnumerable<string> directories, string fileName)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            MatchCasing = MatchCasing.CaseSensitive,
            MaxRecursionDepth = 6,
        };
        foreach (var directory in directories)
        {
            var match = Directory.EnumerateFiles(directory, fileName, options).FirstOrDefault();
            if (match is not null) return match;
        }
        return null;
    }
}

/// <summary>How the document fonts were hooked into PDFsharp for this process.</summary>
public enum DocumentFontRegistration
{
    /// <summary>Our resolver is PDFsharp's font resolver.</summary>
    Primary,

    /// <summary>Something else had set PDFsharp's font resolver; ours answers what that one does not.</summary>
    Fallback,

    /// <summary>Something else owns both resolvers; the documents use whatever font it gives.</summary>
    NotRegistered,
}

/// <summary>
/// Registers the document fonts with PDFsharp once per process. <c>GlobalFontSettings.FontResolver</c> is process-wide
/// and may not be changed once fonts were used, so this never replaces a resolver someone else set.
/// </summary>
public static class DocumentFonts
{
    private static readonly Lock Gate = new();
    private static volatile DocumentFontResolver? _resolver;
    private static DocumentFontRegistration _registration;

    /// <summary>Safe to call from any thread, any number of times; the first call does the work.</summary>
    public static DocumentFontRegistration EnsureRegistered()
    {
        if (_resolver is not null) return _registration;
        lock (Gate)
        {
            if (_resolver is not null) return _registration;
            var resolver = DocumentFontResolver.Create();
            _registration = Register(resolver);
            _resolver = resolver;
            return _registration;
        }
    }

    /// <summary>Where the fonts came from, e.g. "DejaVu Sans (/usr/share/fonts/truetype/dejavu)".</summary>
    public static string FontDescription
    {
        get
        {
            EnsureRegistered();
            return _resolver!.Description;
        }
    }

    internal static DocumentFontRegistration Register(IFontResolver resolver)
    {
        var current = GlobalFontSettings.FontResolver;
        if (current is null || current.GetType() == resolver.GetType())
        {
            if (TrySet(() => GlobalFontSettings.FontResolver = resolver)) return DocumentFontRegistration.Primary;
        }
        var fallback = GlobalFontSettings.FallbackFontResolver;
        if (fallback is null || fallback.GetType() == resolver.GetType())
        {
            if (TrySet(() => GlobalFontSettings.FallbackFontResolver = resolver))
                return DocumentFontRegistration.Fallback;
        }
        return DocumentFontRegistration.NotRegistered;
    }

    /// <summary>Forgets the registration so a test can register again after resetting PDFsharp's font state.</summary>
    internal static void ForgetRegistrationForTests()
    {
        lock (Gate)
        {
            _resolver = null;
        }
    }

    private static bool TrySet(Action set)
    {
        try
        {
            set();
            return true;
        }
        catch (InvalidOperationException)
        {
            // Another thread or library set a resolver and used fonts between our check and our set.
            return false;
        }
    }
}
