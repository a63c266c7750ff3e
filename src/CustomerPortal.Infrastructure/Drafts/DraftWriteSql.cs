using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CustomerPortal.Domain.Selection;
using CustomerPortal.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CustomerPortal.Infrastructure.Drafts;

/// <summary>
/// The SQL that stores a changed draft: one batch, run as one command (see <see cref="DraftStore.SaveAsync"/>).
/// <code>
/// DELETE FROM PaymentDraftItems WHERE PaymentDraftId = @p0 AND InvoiceId IN (…);   -- when ids leave or are re-added
/// INSERT INTO PaymentDraftItems (PaymentDraftId, InvoiceId) VALUES (@p0, …), …;    -- one per 500 added ids
/// UPDATE PaymentDrafts SET Choice = @p1, CustomAmountCents = @p2, Revision = Revision + 1, UpdatedAt = @p3
///     WHERE Id = @p0;
/// </code>
/// One command instead of EF's ExecuteDelete and ExecuteUpdate, which ran the LINQ query pipeline on every toggle (7 %
/// of the server's CPU). Names and stored values come from the EF model (the choice as its text, the time through the
/// provider's converter), so the batch is the same on SQLite and SQL Server. Invoice ids are written into the text as
/// numbers: they are <see cref="long"/> values, never text from a request, and one parameter per id would cost SQLite a
/// by-name lookup per parameter over all the others. (On SQL Server each distinct id list is then its own statement
/// text, as EF Core 7 and earlier wrote <c>Contains</c>; a toggle's text differs only by its one id.)
/// </summary>
internal static class DraftWriteSql
{
    public static (string Sql, object[] Parameters) For(AppDbContext db, PaymentDraft draft,
        IReadOnlyCollection<long> idsToDelete, IReadOnlyList<long> idsToInsert)
    {
        var n = NamesOf(db);
        var text = new StringBuilder();
        if (idsToDelete.Count > 0)
        {
            text.Append("DELETE FROM ").Append(n.Items).Append(" WHERE ").Append(n.ItemDraftId).Append(" = {0} AND ")
                .Append(n.ItemInvoiceId).Append(" IN (");
            AppendNumbers(text, idsToDelete);
            text.Append(')').Append(n.Terminator).AppendLine();
        }
        foreach (var chunk in idsToInsert.Chunk(InsertRowsPerStatement))
        {
            text.Append("INSERT INTO ").Append(n.Items).Append(" (").Append(n.ItemDraftId).Append(", ")
                .Append(n.ItemInvoiceId).Append(") VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                if (i > 0) text.Append(", ");
                text.Append("({0}, ").Append(chunk[i].ToString(CultureInfo.InvariantCulture)).Append(')');
            }
            text.Append(n.Terminator).AppendLine();
        }
        text.Append("UPDATE ").Append(n.Drafts).Append(" SET ")
            .Append(n.Choice).Append(" = {1}, ")
            .Append(n.CustomAmount).Append(draft.CustomAmountCents is null ? " = NULL, " : " = {2}, ")
            .Append(n.Revision).Append(" = ").Append(n.Revision).Append(" + 1, ")
            .Append(n.UpdatedAt).Append(" = {3} WHERE ")
            .Append(n.Id).Append(" = {0}").Append(n.Terminator);

        object[] parameters =
        [
            draft.Id,
            n.StoredChoice(draft.Choice),
            draft.CustomAmountCents ?? 0L, // not in the text when null
            n.StoredUpdatedAt(draft.UpdatedAt),
        ];
        return (text.ToString(), parameters);
    }

    // The names and converters come from the model, which does not change while the app runs: read once per model
    // (one per provider), not on every save.
    private static readonly ConditionalWeakTable<IModel, Names> ByModel = new();

    private static Names NamesOf(AppDbContext db)
    {
        if (ByModel.TryGetValue(db.Model, out var known)) return known;
        var names = Names.From(db.Model, db.GetService<ISqlGenerationHelper>());
        ByModel.AddOrUpdate(db.Model, names);
        return names;
    }

    /// <summary>
    /// The delimited names of the batch's table and columns; how the draft's choice and time are stored.
    /// </summary>
    private sealed record Names(
        string Items, string ItemDraftId, string ItemInvoiceId,
        string Drafts, string Id, string Choice, string CustomAmount, string Revision, string UpdatedAt,
        string Terminator,
        ValueConverter? ChoiceConverter, ValueConverter? UpdatedAtConverter)
    {
        public static Names From(IModel model, ISqlGenerationHelper sql)
        {
            var item = new Table(model.FindEntityType(typeof(PaymentDraftItem))!, sql);
            var draft = new Table(model.FindEntityType(typeof(PaymentDraft))!, sql);
            return new Names(
                item.Name, item.Column(nameof(PaymentDraftItem.PaymentDraftId)),
                item.Column(nameof(PaymentDraftItem.InvoiceId)),
                draft.Name, draft.Column(nameof(PaymentDraft.Id)), draft.Column(nameof(PaymentDraft.Choice)),
                draft.Column(nameof(PaymentDraft.CustomAmountCents)), draft.Column(nameof(PaymentDraft.Revision)),
                draft.Column(nameof(PaymentDraft.UpdatedAt)), sql.StatementTerminator,
                draft.Converter(nameof(PaymentDraft.Choice)), draft.Converter(nameof(PaymentDraft.UpdatedAt)));
        }

        /// <summary>The value as the database stores it (through the property's value converter, if any).</summary>
        public object StoredChoice(PaymentChoice choice) => ChoiceConverter?.ConvertToProvider(choice) ?? choice;

        public object StoredUpdatedAt(DateTimeOffset at) => UpdatedAtConverter?.ConvertToProvider(at) ?? at;
    }

    /// <summary>Largest VALUES list per INSERT (SQL Server allows 1,000 rows per VALUES list).</summary>
    private const int InsertRowsPerStatement = 500;

    private static void AppendNumbers(StringBuilder text, IEnumerable<long> ids)
    {
        var first = true;
        foreach (var id in ids)
        {
            if (!first) text.Append(", ");
            text.Append(id.ToString(CultureInfo.InvariantCulture));
            first = false;
        }
    }

    /// <summary>A mapped table: its delimited name, its columns' delimited names, and their value converters.</summary>
    private sealed class Table(IEntityType entity, ISqlGenerationHelper sql)
    {
        private readonly StoreObjectIdentifier _id =
            StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());

        public string Name => sql.DelimitIdentifier(_id.Name, _id.Schema);

        public string Column(string property) =>
            sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(_id)!);

        public ValueConverter? Converter(string property) => entity.FindProperty(property)!.GetTypeMapping().Converter;
    }
}
