// Reads a JSON array of {name, reader, writer} and prints, for each, what Apache Avro's Java
// SchemaCompatibility reports: {name, found: [{type, path}]}, or {name, error} when Java refuses
// (an unparseable schema, or a check that throws). Run as a single source file: java -cp <avro> JavaCompatibility.java cases.json
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

public class JavaCompatibility {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    ArrayNode results = json.createArrayNode();
    for (JsonNode c : json.readTree(new File(args[0]))) {
      ObjectNode result = results.addObject();
      result.put("name", c.get("name").asText());
      try {
        Schema reader = new Schema.Parser().parse(json.writeValueAsString(c.get("reader")));
        Schema writer = new Schema.Parser().parse(json.writeValueAsString(c.get("writer")));
        ArrayNode found = result.putArray("found");
        for (SchemaCompatibility.Incompatibility i :
            SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities()) {
          found.addObject().put("type", i.getType().name()).put("path", i.getLocation());
        }
      } catch (Exception e) {
        result.put("error", e.toString());
      }
    }
    System.out.println(json.writeValueAsString(results));
  }
}
