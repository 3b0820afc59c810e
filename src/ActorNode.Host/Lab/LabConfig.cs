using System.Reflection;
using Akka.Configuration;

namespace ActorNode.Host.Lab;

/// <summary>The lab's configuration: hocon/lab.conf next to the program (else the copy embedded in it), under a
/// user's --config file.</summary>
internal static class LabConfig
{
    public static bool TryLoad(string? userFile, TextWriter stderr, out Config config)
    {
        config = Config.Empty;
        Config defaults;
        var path = Path.Combine(AppContext.BaseDirectory, "hocon", "lab.conf");
        if (File.Exists(path)) defaults = ConfigurationFactory.ParseString(File.ReadAllText(path));
        else
        {
            using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("lab.conf")
                ?? throw new InvalidOperationException("lab.conf is not embedded in the program");
            using var reader = new StreamReader(stream);
            defaults = ConfigurationFactory.ParseString(reader.ReadToEnd());
        }
        if (userFile is null)
        {
            config = defaults;
            return true;
        }
        try
        {
            config = ConfigurationFactory.ParseString(File.ReadAllText(userFile)).WithFallback(defaults);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"error: --config: {userFile}: {e.Message}");
            return false;
        }
    }
}
