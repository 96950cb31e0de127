#include "models/call_graph.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <map>

#include "scenario/input_error.h"

namespace fleetsim::models {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
using Vertex = boost::graph_traits<Graph>::vertex_descriptor;

Graph build(const scenario::Scenario& s) {
  std::map<std::string, Vertex> index;
  for (std::size_t i = 0; i < s.services.size(); ++i) index[s.services[i].name] = i;
  Graph g(s.services.size());
  for (std::size_t i = 0; i < s.services.size(); ++i) {
    for (const auto& call : s.services[i].calls) boost::add_edge(i, index.at(call.service), g);
  }
  return g;
}

// Records the first back edge's tree path, so the message can show the whole cycle.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<Vertex>* parent;
  std::vector<Vertex>* cycle;
  void tree_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(boost::graph_traits<Graph>::edge_descriptor e, const Graph& g) const {
    if (!cycle->empty()) return;
    const Vertex from = boost::source(e, g), to = boost::target(e, g);
    std::vector<Vertex> path{from};
    for (Vertex v = from; v != to; v = (*parent)[v]) path.push_back((*parent)[v]);
    cycle->assign(path.rbegin(), path.rend());
    cycle->push_back(to);
  }
};

}  // namespace

void check_call_graph(const scenario::Scenario& s) {
  const Graph g = build(s);
  std::vector<Vertex> parent(boost::num_vertices(g));
  std::vector<Vertex> cycle;
  CycleFinder finder;
  finder.parent = &parent;
  finder.cycle = &cycle;
  boost::depth_first_search(g, boost::visitor(finder));
  if (cycle.empty()) return;
  std::string text;
  for (Vertex v : cycle) text += (text.empty() ? "" : " -> ") + s.services[v].name;
  std::size_t caller = cycle[cycle.size() - 2];
  throw scenario::InputError(s.file, "services[" + std::to_string(caller) + "].calls",
                             "the calls form a cycle: " + text + " (a request would call itself forever)");
}

std::vector<std::string> call_order(const scenario::Scenario& s) {
  const Graph g = build(s);
  std::vector<Vertex> reversed;
  boost::topological_sort(g, std::back_inserter(reversed));
  std::vector<std::string> out;
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) out.push_back(s.services[*it].name);
  return out;
}

}  // namespace fleetsim::models
