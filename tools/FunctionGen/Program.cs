using Tracker;
using Tracker.FunctionGen;

// Usage: FunctionGen <output .cs file>. Writes the file only when its text changes, so an unchanged route table
// does not make the Functions project compile again.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: FunctionGen <output file>");
    return 2;
}
var source = ApiFunctionsSource.Write([.. RouteTable.All, .. RouteTable.Pages], RouteTable.Fallback);
if (!File.Exists(args[0]) || File.ReadAllText(args[0]) != source)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(args[0]))!);
    File.WriteAllText(args[0], source);
}
return 0;
