namespace CustomerPortal.Domain.Selection;

/// <summary>The three answers to "What are you paying today?".</summary>
public enum PaymentChoice
{
    CustomAmount = 0,
    SingleSite = 1,
    MultiSite = 2,
}

/// <summary>
/// The server-side selection of one signed-in user for one customer: which choice, which invoices, or which custom
/// amount. It survives paging, sorting and reloads. The rules that change it live in <c>InvoiceSelection</c>.
/// </summary>
public sealed class PaymentDraft
{
    private readonly List<PaymentDraftItem> _items = [];

    private PaymentDraft() { }

    public PaymentDraft(string userId, long customerId, DateTimeOffset now)
    {
        UserId = userId;
        CustomerId = customerId;
        Choice = PaymentChoice.SingleSite;
        UpdatedAt = now;
    }

    /// <summary>
    /// A stored draft as read back from a projection (no change tracking): the same state as the stored row.
    /// </summary>
    public static PaymentDraft Restore(
        long id, string userId, long customerId, PaymentChoice choice, long? customAmountCents,
        int revision, DateTimeOffset updatedAt, IEnumerable<long> invoiceIds)
    {
        var draft = new PaymentDraft
        {
            Id = id, UserId = userId, CustomerId = customerId, Choice = choice, CustomAmountCents = customAmountCents,
            Revision = revision, UpdatedAt = updatedAt,
        };
        draft._items.AddRange(invoiceIds.Order().Select(i => new PaymentDraftItem(i)));
        return draft;
    }

    public long Id { get; private set; }
    public string UserId { get; private set; } = "";
    public long CustomerId { get; private set; }
    public PaymentChoice Choice { get; private set; }
    public long? CustomAmountCents { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>
    /// The revision as stored; part of the payment idempotency key, so a changed draft is a new payment. Every stored
    /// change moves it on by one, in SQL, where the draft is stored (<c>DraftStore</c>); this class never changes it.
    /// </summary>
    public int Revision { get; private set; }
    public IReadOnlyList<PaymentDraftItem> Items => _items;

    public IReadOnlySet<long> SelectedInvoiceIds => _items.Select(i => i.InvoiceId).ToHashSet();

    /// <summary>Switching between the three choices starts a fresh selection.</summary>
    public void Choose(PaymentChoice choice, DateTimeOffset now)
    {
        if (choice == Choice) return;
        Choice = choice;
        CustomAmountCents = null;
        _items.Clear();
        Changed(now);
    }

    public void SetCustomAmount(long? cents, DateTimeOffset now)
    {
        if (Choice != PaymentChoice.CustomAmount)
            throw new DomainException("Choose “Custom Amount” before entering an amount.");
        CustomAmountCents = cents;
        Changed(now);
    }

    /// <summary>
    /// Replaces the selected invoices with <paramref name="invoiceIds"/> (already checked by the rules).
    /// </summary>
    public void ReplaceInvoices(IEnumerable<long> invoiceIds, DateTimeOffset now)
    {
        var wanted = invoiceIds.ToHashSet();
        _items.RemoveAll(i => !wanted.Contains(i.InvoiceId));
        var have = _items.Select(i => i.InvoiceId).ToHashSet();
        foreach (var id in wanted.Where(id => !have.Contains(id)).Order()) _items.Add(new PaymentDraftItem(id));
        Changed(now);
    }

    /// <summary>
    /// After a payment was created from this draft, the draft starts over (same choice, nothing selected).
    /// </summary>
    public void Reset(DateTimeOffset now)
    {
        CustomAmountCents = null;
        _items.Clear();
        Changed(now);
    }

    /// <summary>
    /// A new attempt at paying the same selection (after a decline): the selection stays; storing it moves the revision
    /// on, so the next payment gets a new idempotency key instead of replaying the stored decline.
    /// </summary>
    public void StartNewAttempt(DateTimeOffset now) => Changed(now);

    private void Changed(DateTimeOffset now) => UpdatedAt = now;
}

public sealed class PaymentDraftItem
{
    private PaymentDraftItem() { }

    public PaymentDraftItem(long invoiceId) => InvoiceId = invoiceId;

    public long Id { get; private set; }
    public long PaymentDraftId { get; private set; }
    public long InvoiceId { get; private set; }
}
