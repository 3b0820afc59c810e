namespace ActorNode.Lab.Experiments;

/// <summary>Node lists for people: "0-4, 7, 9-11" rather than 125 numbers.</summary>
public static class NodeRanges
{
    public static string Format(IEnumerable<int> nodes)
    {
        var sorted = nodes.Distinct().Order().ToList();
        if (sorted.Count == 0) return "none";
        var parts = new List<string>();
        int start = sorted[0], previous = sorted[0];
        foreach (int node in sorted.Skip(1))
        {
            if (node == previous + 1)
            {
                previous = node;
                continue;
            }
            parts.Add(start == previous ? $"{start}" : $"{start}-{previous}");
            start = previous = node;
        }
        parts.Add(start == previous ? $"{start}" : $"{start}-{previous}");
        return string.Join(", ", parts);
    }
}
