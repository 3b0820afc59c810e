using System.Text.RegularExpressions;

namespace ActorNode.P2P.Tests.Docs;

/// <summary>docs/architecture.md names the node's messages and classes; these tests keep it true to the code: every
/// name it writes in code style (<c>PeerReady</c>, <c>ScorePeer(peer, penalty)</c>) and every name on an arrow of its
/// diagram must be a type declared under src/. Qualified names (<c>Tcp.Connected</c>) are Akka's or .NET's and are not
/// checked; lower-case ones are wire commands or btcd's.</summary>
public sealed partial class DocumentedNamesTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ActorNode.sln"))) return dir.FullName;
        throw new InvalidOperationException("ActorNode.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^([A-Z][A-Za-z0-9]*)(\(.*\))?$")]
    private static partial Regex TypeName();

    [GeneratedRegex(@"\|([^|]+)\|")]
    private static partial Regex EdgeLabel();

    [GeneratedRegex(@"[A-Za-z0-9_.]+")]
    private static partial Regex Word();

    [GeneratedRegex(@"\b(?:class|record|struct|enum|interface)\s+([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Declaration();

    /// <summary>The type names a Markdown text mentions: code spans outside fenced blocks, and the words on the edges
    /// of its mermaid diagrams.</summary>
    internal static IReadOnlySet<string> NamesIn(string markdown)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        string? fence = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                fence = fence is null ? line[3..].Trim() : null;
                continue;
            }
            if (fence is null)
            {
                foreach (Match span in CodeSpan().Matches(line))
                    if (TypeName().Match(span.Groups[1].Value) is { Success: true } name) names.Add(name.Groups[1].Value);
            }
            else if (fence == "mermaid")
            {
                foreach (Match label in EdgeLabel().Matches(line))
                    foreach (Match word in Word().Matches(label.Groups[1].Value))
                        if (char.IsUpper(word.Value[0]) && !word.Value.Contains('.')) names.Add(word.Value);
            }
        }
        return names;
    }

    private static HashSet<string> TypesInSrc()
    {
        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Root, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal)) continue;
            foreach (Match declared in Declaration().Matches(File.ReadAllText(file))) types.Add(declared.Groups[1].Value);
        }
        return types;
    }

    [Fact]
    public void EveryTypeNamedInArchitectureMd_IsATypeOfSrc()
    {
        var names = NamesIn(File.ReadAllText(Path.Combine(Root, "docs", "architecture.md")));
        Assert.True(names.Count > 80, $"only {names.Count} names found: the extraction is broken");
        var types = TypesInSrc();
        var missing = names.Where(n => !types.Contains(n)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "docs/architecture.md names types that src/ does not declare: " + string.Join(", ", missing));
    }

    [Fact]
    public void TheExtraction_FindsCodeSpansAndDiagramEdges_AndSkipsQualifiedAndLowerCaseNames()
    {
        const string markdown = """
            A peer sends `PeerReady` and `ScorePeer(peer, penalty)`; `Tcp.Connected` and `getheaders` are not ours.
            ```
            tree `NotInATree`
            ```
            ```mermaid
            flowchart LR
                A[Some Box] -->|InvReceived, Tcp.Write, starts| B
            ```
            """;
        Assert.Equal(["InvReceived", "PeerReady", "ScorePeer"], NamesIn(markdown).Order(StringComparer.Ordinal));
        Assert.DoesNotContain("InvReceived", TypesInSrc()); // a retired message: the real test would name it
    }
}
