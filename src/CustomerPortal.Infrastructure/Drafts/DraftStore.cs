using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace CustomerPortal.Infrastructure.Drafts;

/// <summary>
/// Whose draft: a contact's own for a customer (<see cref="Contact"/>), or, for a support agent viewing as the customer
/// (who has none and can make none), the one the customer's contacts changed last (<see cref="LatestOf"/>).
/// </summary>
public readonly record struct DraftOwner(string? UserId, long CustomerId)
{
    public static DraftOwner Contact(string userId, long customerId) => new(userId, customerId);

    public static DraftOwner LatestOf(long customerId) => new(null, customerId);
}

/// <summary>
/// Which half of a draft is read first (the row, with the revision, and the invoice ids are two statements), so that a
/// save landing between the two always shows on the safe side.
/// </summary>
public enum DraftRead
{
    /// <summary>
    /// The row, then the ids: the revision is never newer than the ids read with it. For what shows the draft and hands
    /// its revision back later (the page's version, the checkout's Pay form): a save in between makes that revision
    /// stale, so the next toggle redraws the whole work area and the Pay is refused as "changed".
    /// </summary>
    ToShow,

    /// <summary>
    /// The ids, then the row: the revision is never older than the ids read with it. For what acts on the draft under
    /// its revision (an action that saves it, Continue, Pay): a save in between shows as a newer revision, never as the
    /// revision a page showed with ids it did not show.
    /// </summary>
    ToChange,
}

/// <summary>A stored draft as read (untracked): its row and the ids of its selected invoices.</summary>
public sealed record StoredDraft(long Id, string UserId, long CustomerId, PaymentChoice Choice, long? CustomAmountCents,
    int Revision, DateTimeOffset UpdatedAt, IReadOnlySet<long> Selected)
{
    /// <summary>The domain's draft, to change by its rules and store with <see cref="DraftStore.SaveAsync"/>.</summary>
    public PaymentDraft ToDraft() =>
        PaymentDraft.Restore(Id, UserId, CustomerId, Choice, CustomAmountCents, Revision, UpdatedAt, Selected);
}

/// <summary>
/// The one place that reads and writes payment drafts (the stored selection of one contact for one customer), and
/// the one owner of the draft's <see cref="PaymentDraft.Revision"/>. The revision is part of the payment's idempotency
/// key (<c>portal-{customer}-{draft}-{revision}</c>): every save moves it on by one, in SQL
/// (<c>Revision = Revision + 1</c>), so two concurrent saves never end on the same revision. The domain never changes
/// it.
/// </summary>
/// <remarks>
/// Reads are untracked, as two compiled statements (the row, the ids): one projection with the ids as a nested
/// collection made EF build a new delegate on every execution, and materialising 200 items as entities cost more than
/// the selection rules. Writes are one set-based batch (<see cref="DraftWriteSql"/>, ADR 0014); a draft's first save
/// is an INSERT through the change tracker.
/// </remarks>
public sealed class DraftStore(AppDbContext db)
{
    /// <summary>The revision a draft's first save stores; every later save moves it on by one.</summary>
    public const int FirstRevision = 1;

    /// <summary>The draft of <paramref name="owner"/>, untracked, or null when none is stored.</summary>
    public async Task<StoredDraft?> ReadAsync(DraftOwner owner, DraftRead order, CancellationToken ct)
    {
        if (owner.UserId is not { } userId)
        {
            // Viewing as the customer: nothing acts on that draft, so it is only ever read to be shown.
            if (order != DraftRead.ToShow)
                throw new ArgumentException("Only a contact's own draft is read to change it.", nameof(order));
            return await WithIdsAsync(owner, await LatestHeadQuery(db, owner.CustomerId), ct);
        }
        if (order == DraftRead.ToShow)
            return await WithIdsAsync(owner, await OwnHeadQuery(db, userId, owner.CustomerId), ct);
        var ids = new HashSet<long>();
        await foreach (var id in OwnIdsQuery(db, userId, owner.CustomerId).WithCancellation(ct)) ids.Add(id);
        var head = await OwnHeadQuery(db, userId, owner.CustomerId);
        return head?.With(owner, ids);
    }

    private async Task<StoredDraft?> WithIdsAsync(DraftOwner owner, DraftHead? head, CancellationToken ct)
    {
        if (head is null) return null;
        var ids = new HashSet<long>();
        await foreach (var id in IdsQuery(db, head.Id).WithCancellation(ct)) ids.Add(id);
        return head.With(owner, ids);
    }

    /// <summary>
    /// Stores a draft the domain has changed (<see cref="PaymentDraft.Choose"/>,
    /// <see cref="PaymentDraft.SetCustomAmount"/>, <see cref="PaymentDraft.ReplaceInvoices"/>,
    /// <see cref="PaymentDraft.Reset"/>, <see cref="PaymentDraft.StartNewAttempt"/>) and answers it as stored.
    /// <paramref name="before"/>: the ids it was read with. A stored draft is written as one batch (a DELETE of the ids
    /// that left, and of the ids about to be added, so a concurrent save of the same draft cannot make the INSERT hit
    /// the unique index; an INSERT per 500 added ids; an UPDATE of the row with <c>Revision = Revision + 1</c>), in the
    /// caller's transaction or one of its own (BEGIN IMMEDIATE on SQLite). A new draft (the contact's first action for
    /// the customer) is inserted with its items at <see cref="FirstRevision"/>.
    /// </summary>
    /// <returns>
    /// The draft as stored, its revision the one read plus one. Under concurrent saves of one draft the database's can
    /// be further on: the page then shows a revision behind it, and its next toggle gets the whole work area.
    /// </returns>
    public async Task<StoredDraft> SaveAsync(PaymentDraft draft, IReadOnlySet<long> before, CancellationToken ct)
    {
        if (draft.Id == 0) return await InsertAsync(draft, ct);

        var after = draft.SelectedInvoiceIds;
        var removed = before.Where(id => !after.Contains(id)).ToList();
        var added = after.Where(id => !before.Contains(id)).Order().ToList();
        var (sql, parameters) = DraftWriteSql.For(db, draft, removed.Concat(added).ToList(), added);

        var ownTransaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(ct) // BEGIN IMMEDIATE on SQLite: the writes below queue as one
            : null;
        try
        {
            await db.Database.ExecuteSqlRawAsync(sql, parameters, ct);
            if (ownTransaction is not null) await ownTransaction.CommitAsync(ct);
        }
        finally
        {
            if (ownTransaction is not null) await ownTransaction.DisposeAsync();
        }
        return Stored(draft, draft.Revision + 1, after);
    }

    private async Task<StoredDraft> InsertAsync(PaymentDraft draft, CancellationToken ct)
    {
        var entry = db.PaymentDrafts.Add(draft);
        entry.Property(d => d.Revision).CurrentValue = FirstRevision;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            // Read untracked from here on, like every stored draft; nothing else the caller tracks is touched.
            foreach (var item in draft.Items) db.Entry(item).State = EntityState.Detached;
            entry.State = EntityState.Detached;
        }
        return Stored(draft, FirstRevision, draft.SelectedInvoiceIds);
    }

    private static StoredDraft Stored(PaymentDraft draft, int revision, IReadOnlySet<long> selected) =>
        new(draft.Id, draft.UserId, draft.CustomerId, draft.Choice, draft.CustomAmountCents, revision, draft.UpdatedAt,
            selected);

    /// <summary>A stored draft's row without its ids; the contact's id only when the owner does not say it.</summary>
    private sealed record DraftHead(long Id, PaymentChoice Choice, long? CustomAmountCents, int Revision,
        DateTimeOffset UpdatedAt, string? UserId)
    {
        public StoredDraft With(DraftOwner owner, IReadOnlySet<long> selected) =>
            new(Id, UserId ?? owner.UserId!, owner.CustomerId, Choice, CustomAmountCents, Revision, UpdatedAt,
                selected);
    }

    private static readonly System.Linq.Expressions.Expression<Func<PaymentDraft, DraftHead>> ToHead =
        d => new DraftHead(d.Id, d.Choice, d.CustomAmountCents, d.Revision, d.UpdatedAt, null);

    private static readonly System.Linq.Expressions.Expression<Func<PaymentDraft, DraftHead>> ToHeadWithContact =
        d => new DraftHead(d.Id, d.Choice, d.CustomAmountCents, d.Revision, d.UpdatedAt, d.UserId);

    private static readonly Func<AppDbContext, string, long, Task<DraftHead?>> OwnHeadQuery =
        EF.CompileAsyncQuery((AppDbContext db, string userId, long customerId) =>
            db.PaymentDrafts.AsNoTracking().Where(d => d.UserId == userId && d.CustomerId == customerId)
                .OrderBy(d => d.Id).Select(ToHead).FirstOrDefault());

    private static readonly Func<AppDbContext, long, Task<DraftHead?>> LatestHeadQuery =
        EF.CompileAsyncQuery((AppDbContext db, long customerId) =>
            db.PaymentDrafts.AsNoTracking().Where(d => d.CustomerId == customerId)
                .OrderByDescending(d => d.UpdatedAt).ThenByDescending(d => d.Id)
                .Select(ToHeadWithContact).FirstOrDefault());

    private static readonly Func<AppDbContext, string, long, IAsyncEnumerable<long>> OwnIdsQuery =
        EF.CompileAsyncQuery((AppDbContext db, string userId, long customerId) =>
            from d in db.PaymentDrafts.AsNoTracking()
            where d.UserId == userId && d.CustomerId == customerId
            join i in db.PaymentDraftItems.AsNoTracking() on d.Id equals i.PaymentDraftId
            select i.InvoiceId);

    private static readonly Func<AppDbContext, long, IAsyncEnumerable<long>> IdsQuery =
        EF.CompileAsyncQuery((AppDbContext db, long draftId) =>
            db.PaymentDraftItems.AsNoTracking().Where(i => i.PaymentDraftId == draftId).Select(i => i.InvoiceId));
}
