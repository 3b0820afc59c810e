using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("ActorNode.Chain.Tests")]
