using System.Globalization;
using CustomerPortal.Domain.Allocation;
using CustomerPortal.Domain.Invoices;
using CustomerPortal.Domain.Overview;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Web.Shared;

namespace CustomerPortal.Web.Features.MakeAPayment;

/// <summary>
/// The columns the Open Invoices table sorts by (a whitelist: anything else is the default, invoice date).
/// </summary>
public enum InvoiceSort
{
    InvoiceDate = 0,
    DueDate = 1,
    Number = 2,
    Balance = 3,
}

/// <summary>
/// Where the customer is in the Open Invoices table: page, page size, sort and which multi-site invoices are expanded.
/// Carried in the query string and in a hidden field of every form, so every action comes back to the same view.
/// </summary>
public sealed record TableState(int Page, int Size, InvoiceSort Sort, bool Descending, IReadOnlyList<long> Open)
{
    public static IReadOnlyList<int> Sizes { get; } = [10, 25, 50, 100];
    public const int DefaultSize = 25;

    /// <summary>At most this many expanded parents are remembered (a page holds at most 100 rows).</summary>
    private const int MaxOpen = 100;

    public static TableState Default { get; } = new(1, DefaultSize, InvoiceSort.InvoiceDate, false, []);

    /// <summary>
    /// Reads the state leniently: an unknown size is 25, an unknown sort is invoice date, a bad page is 1.
    /// </summary>
    public static TableState From(int? page, int? size, string? sort, string? dir, IEnumerable<long>? open) => new(
        page is > 0 ? page.Value : 1,
        size is { } s && Sizes.Contains(s) ? s : DefaultSize,
        SortFrom(sort),
        string.Equals(dir, "desc", StringComparison.OrdinalIgnoreCase),
        (open ?? []).Where(id => id > 0).Distinct().Take(MaxOpen).ToList());

    public static string KeyOf(InvoiceSort sort) => sort switch
    {
        InvoiceSort.DueDate => "due",
        InvoiceSort.Number => "number",
        InvoiceSort.Balance => "balance",
        _ => "date",
    };

    private static InvoiceSort SortFrom(string? key) => key?.ToLowerInvariant() switch
    {
        "due" => InvoiceSort.DueDate,
        "number" => InvoiceSort.Number,
        "balance" => InvoiceSort.Balance,
        _ => InvoiceSort.InvoiceDate,
    };

    public string SortKey => KeyOf(Sort);

    /// <summary>The member the table is sorted by (<see cref="TableOrder.Columns"/>).</summary>
    public string SortColumn => Sort switch
    {
        InvoiceSort.DueDate => nameof(Invoice.DueDate),
        InvoiceSort.Number => nameof(Invoice.Number),
        InvoiceSort.Balance => nameof(Invoice.BalanceCents),
        _ => nameof(Invoice.InvoiceDate),
    };
    public string Direction => Descending ? "desc" : "asc";

    public TableState WithPage(int page) => this with { Page = page };

    /// <summary>The query string for this state ("?page=2&amp;size=25&amp;sort=date&amp;dir=asc").</summary>
    public string Query()
    {
        var q = string.Create(CultureInfo.InvariantCulture, $"?page={Page}&size={Size}&sort={SortKey}&dir={Direction}");
        foreach (var id in Open) q += string.Create(CultureInfo.InvariantCulture, $"&open={id}");
        return q;
    }
}

/// <summary>
/// The rows one toggle can change, for an answer that carries only those (see docs/make-a-payment.md, "Toggle
/// answers"): an invoice (under multi-site: with its parent and the parent's children) or a multi-site invoice with its
/// children.
/// </summary>
public sealed record RowScope(long? InvoiceId, long? ParentId)
{
    public static RowScope Invoice(long id) => new(id, null);

    public static RowScope Parent(long id) => new(null, id);
}

/// <summary>
/// What a page of Make a Payment shows, as "revision.stamp": the stored draft's revision (every saved change of the
/// selection moves it on) and a stamp of the customer's invoice figures (Overdue, Balance, Pending, the open counts and
/// the invoices version: a payment, a void, any change to one of the customer's invoices, or midnight moves at least
/// one). A toggle is answered with only the rows it changed
/// when the page showed the version the server still has; otherwise the whole work area is redrawn.
/// </summary>
public static class PageVersion
{
    public static string Of(int revision, string stamp) =>
        string.Create(CultureInfo.InvariantCulture, $"{revision}.{stamp}");

    public static bool TryParse(string? text, out int revision, out string stamp)
    {
        (revision, stamp) = (0, "");
        var dot = text?.IndexOf('.') ?? -1;
        if (dot <= 0 || dot == text!.Length - 1) return false;
        stamp = text[(dot + 1)..];
        return int.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out revision);
    }

    /// <summary>
    /// FNV-1a over the figures, as 16 hex digits: the same in every process (no per-process hash seed).
    /// </summary>
    internal static string Stamp(OverviewSums sums)
    {
        var hash = 14695981039346656037UL;
        // The not-yet-due part with the balance says what Overdue says (Overdue = Balance − not yet due).
        ReadOnlySpan<long> figures = [sums.NotYetDueCents, sums.BalanceCents, sums.PendingCents, sums.OpenCount,
            sums.OpenSingleSiteCount, sums.PayableSingleSiteCount, sums.InvoicesVersion];
        foreach (var value in figures)
        {
            for (var shift = 0; shift < 64; shift += 8)
            {
                hash ^= (byte)(value >> shift);
                hash *= 1099511628211UL;
            }
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}

/// <summary>What the page shows a message about, so it can be drawn next to that control.</summary>
public enum MessageTarget
{
    Choice = 0,
    Amount = 1,
    Selection = 2,
    Continue = 3,
}

public sealed record PageMessage(string Text, MessageTarget Target, bool IsError);

/// <summary>One invoice row: a single-site invoice, a multi-site child, or (custom amount) any open invoice.</summary>
public sealed record InvoiceRow(
    long Id, string Number, string Site, DateOnly InvoiceDate, DateOnly DueDate, InvoiceStatus Status,
    long TotalCents, long BalanceCents, bool Selectable, bool Selected);

/// <summary>A multi-site ("parent") row with its open children (children of the rows on this page only).</summary>
public sealed record ParentRow(
    long Id, string Number, int Sites, DateOnly InvoiceDate, DateOnly DueDate, InvoiceStatus Status,
    long TotalCents, long BalanceCents, ParentCheckState Check, bool Selectable, bool Expanded,
    IReadOnlyList<InvoiceRow> Children);

/// <summary>
/// The custom amount as entered (or as stored) and, when it is valid, how it splits; the most one payment can take
/// (<see cref="PaymentAllocator.MostInOnePayment"/>).
/// </summary>
public sealed record CustomAmountView(string AmountText, AllocationPlan? Plan,
    IReadOnlyDictionary<long, AllocationRowInfo> Invoices, long MostInOnePaymentCents);

public sealed record AllocationRowInfo(string Site, DateOnly InvoiceDate);

/// <summary>Everything the Make a Payment page draws; every figure comes from the server.</summary>
public sealed record PayPage(
    CustomerAccess Access,
    bool CanChange,
    PaymentChoice Choice,
    AccountOverview Overview,
    TableState State,
    int TotalRows,
    int TotalPages,
    IReadOnlyList<InvoiceRow> Rows,
    IReadOnlyList<ParentRow> Parents,
    CustomAmountView? Custom,
    PageMessage? Message)
{
    public bool HasSelection => Overview.InvoicesToPay > 0;

    /// <summary>The choice as the page's form and script name it ("single", "multi", "custom").</summary>
    public string ChoiceKey => PaymentDraftService.KeyOf(Choice);

    /// <summary>The stored draft's revision this page shows (0 when the user has none yet).</summary>
    public int Revision { get; init; }

    /// <summary>A stamp of the customer's invoice figures this page shows (<see cref="PageVersion.Stamp"/>).</summary>
    public string DataStamp { get; init; } = "";

    /// <summary>What this page shows, as a script sends it back with each toggle (<see cref="PageVersion"/>).</summary>
    public string Version => PageVersion.Of(Revision, DataStamp);

    /// <summary>
    /// Only the rows one toggle changed (<see cref="RowScope"/>): the table draws them as row fragments, and
    /// <see cref="TotalRows"/>, <see cref="TotalPages"/> and <see cref="State"/>'s page are not read.
    /// </summary>
    public bool RowsOnly { get; init; }

    public PageMessage? MessageFor(MessageTarget target) => Message?.Target == target ? Message : null;

    /// <summary>The company's today, when the page was drawn (the ACH authorization names it).</summary>
    public DateOnly Today { get; init; }

    /// <summary>
    /// "How will you be paying today?": the customer's ways to pay. Read for a whole page only (a fragment answer
    /// leaves that section as it is); null when the page cannot pay.
    /// </summary>
    public Payments.PayOptions? Paying { get; init; }

    /// <summary>The ACH authorization for the amount this page would pay, on the company's today.</summary>
    public string AchText =>
        PaymentMethods.AchAuthorization.Text(Access.CompanyName, Overview.AmountSelectedCents, Today);

    /// <summary>
    /// The Pay button can pay: something is selected and (when this render read them) some method is usable.
    /// </summary>
    public bool CanPay => HasSelection && Paying?.AnyUsable != false;
}
