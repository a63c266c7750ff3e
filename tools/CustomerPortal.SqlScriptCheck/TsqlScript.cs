using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace CustomerPortal.SqlScriptCheck;

/// <summary>A T-SQL parse error, at a line and column of the text that was parsed (1-based).</summary>
public sealed record TsqlParseError(int Line, int Column, string Message);

/// <summary>What <see cref="TsqlScript.Parse"/> found: its errors and the names of the triggers it creates.</summary>
public sealed record TsqlScriptReport(IReadOnlyList<TsqlParseError> Errors, IReadOnlyList<string> Triggers);

/// <summary>
/// Parses T-SQL as SQL Server would receive it (batches split at <c>GO</c>), with Microsoft's own parser for SQL Server
/// 2022. The text of every <c>EXEC(N'…')</c> is a batch too and is parsed the same way: its errors count (at the
/// line of the outer text where they are), and so do the triggers it creates — a trigger inside <c>EXEC</c> is what a
/// SQL Server migration installs (CustomerPortal.Infrastructure.Data.SqlServerMigrationSql).
/// </summary>
public static class TsqlScript
{
    public static TsqlScriptReport Parse(string sql)
    {
        var errors = new List<TsqlParseError>();
        var triggers = new List<string>();
        ParseInto(sql, lineOffset: 0, firstLineColumnOffset: 0, errors, triggers);
        return new TsqlScriptReport(errors, triggers);
    }

    private static void ParseInto(
        string sql, int lineOffset, int firstLineColumnOffset, List<TsqlParseError> errors, List<string> triggers)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        var fragment = parser.Parse(new StringReader(sql), out var parseErrors);
        foreach (var e in parseErrors)
        {
            var column = e.Line == 1 ? e.Column + firstLineColumnOffset : e.Column;
            errors.Add(new TsqlParseError(e.Line + lineOffset, column, e.Message));
        }
        fragment?.Accept(new Visitor(errors, triggers));
    }

    private sealed class Visitor(List<TsqlParseError> errors, List<string> triggers) : TSqlFragmentVisitor
    {
        public override void ExplicitVisit(CreateTriggerStatement node)
        {
            triggers.Add(node.Name.BaseIdentifier.Value);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(CreateOrAlterTriggerStatement node)
        {
            triggers.Add(node.Name.BaseIdentifier.Value);
            base.ExplicitVisit(node);
        }

        public override void ExplicitVisit(ExecutableStringList node)
        {
            if (node.Strings.Count == 0 || node.Strings.Any(s => s is not StringLiteral))
            {
                errors.Add(new TsqlParseError(node.StartLine, node.StartColumn,
                    "EXEC of a string that is not a literal: its text cannot be checked"));
                return;
            }
            var first = (StringLiteral)node.Strings[0];
            var text = string.Concat(node.Strings.Cast<StringLiteral>().Select(s => s.Value));
            // The text starts after N' (or '): its first line shares the literal's line.
            var opening = first.IsNational ? 2 : 1;
            ParseInto(text, first.StartLine - 1, first.StartColumn - 1 + opening, errors, triggers);
        }
    }
}
